const WHITESPACE = new Set([0x20, 0x09, 0x0d]);

/** Whether a line holds anything but spaces (stops at the first byte that is not one). */
function isBlank(line: Buffer): boolean {
  for (const byte of line) if (!WHITESPACE.has(byte)) return false;
  return true;
}

/** The non-blank lines of an NDJSON body, as raw bytes (sources are forwarded untouched). */
export function ndjsonLines(body: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    const line = body.subarray(start, end);
    if (!isBlank(line)) lines.push(line);
    start = end + 1;
  }
  return lines;
}

/** NDJSON lines joined back, newline-terminated as Elasticsearch requires. */
export function joinNdjson(lines: readonly Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
}

export class BodyParseError extends Error {}

export function parseJsonObject(text: Buffer | string, what: string): Record<string, unknown> {
  const source = typeof text === 'string' ? text : text.toString('utf8');
  if (source.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new BodyParseError(`${what} is not JSON`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BodyParseError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** An index field of a body: a name, a comma-separated list or an array of names. */
export function namesOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}
