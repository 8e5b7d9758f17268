import { memoryLogger } from './logger';

describe('memoryLogger', () => {
  it('keeps each line parsed, with the service, the level name and the message', () => {
    const { logger, lines } = memoryLogger('aggregator');
    logger.debug({ partition: 3 }, 'batch applied');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'debug',
        service: 'aggregator',
        partition: 3,
        msg: 'batch applied',
      }),
    ]);
  });

  it('redacts as a service logger does, and keeps nothing below its level', () => {
    const { logger, lines } = memoryLogger('alerting', 'info');
    logger.debug('not kept');
    logger.info({ password: 'hunter2-hunter2' }, 'connected');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.password).toBe('[redacted]');
  });
});
