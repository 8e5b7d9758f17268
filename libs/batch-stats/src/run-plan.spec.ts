import { BatchArgsError, parseBatchArgs } from './run-plan';

describe('parseBatchArgs', () => {
  it('runs incrementally by default', () => {
    expect(parseBatchArgs([])).toEqual({ mode: 'incremental' });
  });

  it('takes a range of whole UTC days, the last one included', () => {
    expect(
      parseBatchArgs(['--mode', 'range', '--from', '2017-03-01', '--to', '2017-03-31']),
    ).toEqual({
      mode: 'range',
      from: '2017-03-01',
      to: '2017-03-31',
      fromMs: Date.parse('2017-03-01T00:00:00Z'),
      toMs: Date.parse('2017-04-01T00:00:00Z'),
    });
  });

  it.each([
    [['--mode', 'sometimes'], /unknown --mode "sometimes"/],
    [['--mode', 'range', '--from', '2017-03-01'], /--mode range needs --to/],
    [['--mode', 'range', '--from', '2017-02-30', '--to', '2017-03-01'], /--from must be a date/],
    [['--mode', 'range', '--from', '2017-03-02', '--to', '2017-03-01'], /must not be after/],
    [['--from', '2017-03-01'], /only apply to --mode range/],
    [['--speed', 'fast'], /usage: batch/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBatchArgs(argv)).toThrow(BatchArgsError);
    expect(() => parseBatchArgs(argv)).toThrow(message);
  });
});
