import { IDLE_MARKER_HEADER, idleMarkerMessage, idleWatermarkOf } from './idle-marker';

describe('idle markers', () => {
  it('round-trip the event time through the header Kafka hands back as bytes', () => {
    const message = idleMarkerMessage(3, 1_489_000_123_456.7);
    expect(message).toMatchObject({ partition: 3, key: null, value: null });
    const headers = { [IDLE_MARKER_HEADER]: Buffer.from(message.headers[IDLE_MARKER_HEADER]) };
    expect(idleWatermarkOf(null, headers)).toBe(1_489_000_123_456);
  });

  it('are only records without a value: a record with one is an ordinary record', () => {
    const headers = { [IDLE_MARKER_HEADER]: Buffer.from('1000') };
    expect(idleWatermarkOf(Buffer.from('{}'), headers)).toBeUndefined();
    expect(idleWatermarkOf(null, undefined)).toBeUndefined();
    expect(idleWatermarkOf(null, { other: Buffer.from('1000') })).toBeUndefined();
  });

  it('refuse a time that is not a safe integer (the record is then dead-lettered as valueless)', () => {
    for (const text of ['', 'soon', '1e3', '12.5', '99999999999999999', ' 1000'])
      expect(idleWatermarkOf(null, { [IDLE_MARKER_HEADER]: Buffer.from(text) })).toBeUndefined();
    expect(
      idleWatermarkOf(null, { [IDLE_MARKER_HEADER]: [Buffer.from('-5'), Buffer.from('7')] }),
    ).toBe(-5);
  });
});
