import { loadSimulatorConfig } from './simulator.config';

describe('loadSimulatorConfig', () => {
  it('serves a synthetic stream of 10 RSVPs a second on 8090 with no faults by default', () => {
    const config = loadSimulatorConfig({});
    expect(config.source.kind).toBe('synthetic');
    expect(config.source.synthetic).toMatchObject({
      rate: 10,
      seed: 1,
      bursts: [],
      maxDisorderMs: 5_000,
    });
    expect(config.stream).toMatchObject({ port: 8090, host: '0.0.0.0', replayBufferSize: 200_000 });
    expect(config.faults).toEqual({
      malformedRatio: 0,
      dropEvery: 0,
      stallEvery: 0,
      stallMs: 5_000,
    });
  });

  it('reads the replay files as a comma-separated list, blanks dropped, and a speed or "max"', () => {
    const config = loadSimulatorConfig({
      SOURCE: 'replay',
      REPLAY_FILES: ' a.ndjson, ,b.ndjson ',
      REPLAY_SPEED: 'max',
    });
    expect(config.source.replay).toEqual({
      files: ['a.ndjson', 'b.ndjson'],
      speed: 'max',
      loop: false,
    });
    expect(loadSimulatorConfig({ REPLAY_SPEED: '2.5' }).source.replay.speed).toBe(2.5);
  });

  it('requires replay files when the source is a replay', () => {
    expect(() => loadSimulatorConfig({ SOURCE: 'replay' })).toThrow(
      'REPLAY_FILES: is required when SOURCE=replay',
    );
    expect(() => loadSimulatorConfig({ SOURCE: 'replay', REPLAY_FILES: ' , ' })).toThrow(
      /REPLAY_FILES/,
    );
  });

  it('reads bursts as JSON and names what is wrong with them', () => {
    const bursts = [{ topicUrlkey: 'drones', factor: 4, from: 0, to: 60_000 }];
    expect(
      loadSimulatorConfig({ SYNTHETIC_BURSTS: JSON.stringify(bursts) }).source.synthetic.bursts,
    ).toEqual(bursts);
    expect(() => loadSimulatorConfig({ SYNTHETIC_BURSTS: '[{' })).toThrow(
      /SYNTHETIC_BURSTS: must be JSON/,
    );
    expect(() =>
      loadSimulatorConfig({ SYNTHETIC_BURSTS: JSON.stringify([{ factor: -1, from: 0, to: 1 }]) }),
    ).toThrow(/SYNTHETIC_BURSTS/);
  });

  it('refuses a malformed ratio outside [0, 1] and a rate that is not positive', () => {
    expect(() => loadSimulatorConfig({ FAULT_MALFORMED_RATIO: '1.5' })).toThrow(
      /FAULT_MALFORMED_RATIO: must be ≤ 1/,
    );
    expect(() => loadSimulatorConfig({ SYNTHETIC_RATE: '0' })).toThrow(/SYNTHETIC_RATE/);
    expect(loadSimulatorConfig({ FAULT_MALFORMED_RATIO: '0.25' }).faults.malformedRatio).toBe(0.25);
  });
});
