import { ConfigError } from '@meetup/config';
import { withCliArgs } from './cli-args';
import { loadSimulatorConfig } from './simulator.config';

describe('withCliArgs', () => {
  it('turns flags into the variables they stand for, flags winning over the environment', () => {
    const env = withCliArgs({ SYNTHETIC_RATE: '5', STREAM_PORT: '1' }, [
      '--synthetic',
      '--rate',
      '2000',
      '--seed',
      '7',
    ]);
    expect(env).toMatchObject({
      SOURCE: 'synthetic',
      SYNTHETIC_RATE: '2000',
      SYNTHETIC_SEED: '7',
      STREAM_PORT: '1',
    });
  });

  it('collects every --replay file in order and selects the replay source', () => {
    const env = withCliArgs({ REPLAY_FILES: 'ignored.ndjson' }, [
      '--replay',
      'a.ndjson',
      '--loop',
      '--replay',
      'b.ndjson',
    ]);
    expect(env).toMatchObject({
      SOURCE: 'replay',
      REPLAY_FILES: 'a.ndjson,b.ndjson',
      REPLAY_LOOP: 'true',
    });
    expect(loadSimulatorConfig(env).source.replay.files).toEqual(['a.ndjson', 'b.ndjson']);
  });

  it('leaves the environment it was given unchanged', () => {
    const source = { SOURCE: 'synthetic' };
    withCliArgs(source, ['--replay', 'a.ndjson']);
    expect(source).toEqual({ SOURCE: 'synthetic' });
  });

  it('refuses a flag without its value, naming the flag', () => {
    expect(() => withCliArgs({}, ['--speed'])).toThrow(ConfigError);
    expect(() => withCliArgs({}, ['--speed'])).toThrow('--speed: needs a value');
  });

  it('refuses an unknown flag rather than ignore a typo', () => {
    expect(() => withCliArgs({}, ['--sped', '20'])).toThrow('--sped: is not a known flag');
  });

  it('lets the config validate a flag value as it validates the variable', () => {
    expect(() => loadSimulatorConfig(withCliArgs({}, ['--speed', 'fast']))).toThrow(/REPLAY_SPEED/);
  });
});
