/** Start of the tumbling bucket of `sizeMs` that holds `time` (epoch ms, aligned to the epoch). */
export function bucketStart(time: number, sizeMs: number): number {
  return Math.floor(time / sizeMs) * sizeMs;
}
