import { LineSplitter } from './line-splitter';
import { parseStreamQuery, streamUrl } from './stream-query';

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps their bytes', () => {
    const splitter = new LineSplitter();
    const text = '{"a":"é"}\n{"b":2}\r\n{"c"';
    const bytes = Buffer.from(text);
    const lines = [...splitter.push(bytes.subarray(0, 5)), ...splitter.push(bytes.subarray(5))];
    expect(lines.map(String)).toEqual(['{"a":"é"}', '{"b":2}']);
    expect(splitter.push(Buffer.from(':3}\n')).map(String)).toEqual(['{"c":3}']);
  });

  it('cuts a line longer than the limit instead of growing without bound', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from('x'.repeat(25))).map((l) => l.length)).toEqual([25]);
  });
});

describe('stream query', () => {
  it('round-trips since_mtime and event_id through the URL', () => {
    const url = streamUrl('http://h:1/2/rsvps', {
      position: { kind: 'since_mtime', mtime: 123 },
      eventId: 'e1',
    });
    expect(parseStreamQuery(new URL(url).searchParams)).toEqual({
      position: { kind: 'since_mtime', mtime: 123 },
      eventId: 'e1',
    });
    expect(parseStreamQuery(new URLSearchParams('since_count=5'))).toEqual({
      position: { kind: 'since_count', count: 5 },
    });
  });
});
