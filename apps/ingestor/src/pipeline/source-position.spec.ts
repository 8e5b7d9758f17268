import { SourcePosition } from './source-position';

describe('SourcePosition', () => {
  it('starts at the stored checkpoint, received and done alike', () => {
    const position = new SourcePosition(1_000);
    expect(position.received).toBe(1_000);
    expect(position.done).toBe(1_000);
    expect(new SourcePosition(undefined).received).toBeUndefined();
    expect(new SourcePosition(undefined).done).toBeUndefined();
  });

  it('keeps the newest mtime received: a late out-of-order message does not move it back', () => {
    const position = new SourcePosition(undefined);
    expect(position.observe(2_000)).toBe(2_000);
    expect(position.observe(1_500)).toBe(2_000);
    expect(position.observe(2_500)).toBe(2_500);
    expect(position.received).toBe(2_500);
  });

  it('moves done only once what was received is produced', () => {
    const position = new SourcePosition(1_000);
    position.enqueued();
    position.observe(2_000);
    expect(position.done).toBe(1_000);
    position.acknowledged(1, 2_000);
    expect(position.done).toBe(2_000);
  });

  it('moves done to the last acknowledged record while later ones wait, not to the newest received', () => {
    const position = new SourcePosition(undefined);
    for (const mtime of [1_000, 2_000, 3_000]) {
      position.enqueued();
      position.observe(mtime);
    }
    position.acknowledged(2, 2_000);
    expect(position.done).toBe(2_000);
    expect(position.received).toBe(3_000);
    position.acknowledged(1, 3_000);
    expect(position.done).toBe(3_000);
  });

  it('never moves done back when an acknowledged batch carries an older watermark', () => {
    const position = new SourcePosition(5_000);
    position.enqueued();
    position.enqueued();
    position.acknowledged(1, 4_000);
    expect(position.done).toBe(5_000);
  });

  it('lets a message handled at once (another shard) move done only when nothing is in flight', () => {
    const position = new SourcePosition(undefined);
    position.enqueued();
    position.observe(1_000);
    position.observe(2_000);
    position.handledAtOnce();
    // The record of 1 000 is not in Kafka yet: resuming from 2 000 would lose it.
    expect(position.done).toBeUndefined();
    position.acknowledged(1, 1_000);
    expect(position.done).toBe(2_000);
    position.observe(3_000);
    position.handledAtOnce();
    expect(position.done).toBe(3_000);
  });

  it('covers skipped messages received while a batch was in flight once that batch is acknowledged', () => {
    const position = new SourcePosition(1_000);
    position.enqueued();
    position.observe(1_100);
    position.observe(1_200);
    position.handledAtOnce();
    position.acknowledged(1, 1_100);
    expect(position.done).toBe(1_200);
  });

  it('keeps done when acknowledged records carry no watermark (dead letters before any valid message)', () => {
    const position = new SourcePosition(undefined);
    position.enqueued();
    position.enqueued();
    position.acknowledged(1, undefined);
    expect(position.done).toBeUndefined();
    position.acknowledged(1, undefined);
    expect(position.done).toBeUndefined();
  });
});
