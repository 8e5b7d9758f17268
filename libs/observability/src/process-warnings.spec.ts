import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { routeProcessWarnings, type WarningSource } from './process-warnings';

/** A service logger whose lines are kept, as written. */
function capturingLogger(serviceName = 'warnings-spec') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ serviceName, level: 'info' }, destination), lines };
}

/**
 * A stand-in for the process (Jest gives each test file a process object of its own, whose
 * listeners Node's emitWarning never reaches), with Node's printer: it writes
 * `(node:<pid>) <name>: <message>` lines, as Node does on stderr.
 */
function processWithNodePrinter() {
  const source = new EventEmitter() as EventEmitter & WarningSource;
  const printed: string[] = [];
  source.on('warning', (warning: Error) =>
    printed.push(`(node:1) ${warning.name}: ${warning.message}`),
  );
  /** What process.emitWarning(message, { type, code }) emits. */
  const emitWarning = (message: string, name: string, code?: string) => {
    source.emit('warning', Object.assign(new Error(message), { name }, code ? { code } : {}));
  };
  return { source, printed, emitWarning };
}

const NEGATIVE_TIMEOUT = (n: number) =>
  `${n} is a negative number.\nTimeout duration was set to 1.`;

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('process warnings routed to the service logger', () => {
  it("writes a TimeoutNegativeWarning as one JSON log line instead of Node's text line", () => {
    const { logger, lines } = capturingLogger();
    const node = processWithNodePrinter();
    restore = routeProcessWarnings(logger, node.source);
    node.emitWarning(NEGATIVE_TIMEOUT(-1796059505545), 'TimeoutNegativeWarning');
    expect(node.printed).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      service: 'warnings-spec',
      warning: { name: 'TimeoutNegativeWarning', message: NEGATIVE_TIMEOUT(-1796059505545) },
    });
  });

  it('logs each kind once: the same warning with other numbers is not repeated', () => {
    const { logger, lines } = capturingLogger();
    const node = processWithNodePrinter();
    restore = routeProcessWarnings(logger, node.source);
    node.emitWarning(NEGATIVE_TIMEOUT(-17), 'TimeoutNegativeWarning');
    node.emitWarning(NEGATIVE_TIMEOUT(-1796059505545), 'TimeoutNegativeWarning');
    node.emitWarning('11 error listeners added', 'MaxListenersExceededWarning');
    node.emitWarning('12 error listeners added', 'MaxListenersExceededWarning');
    node.emitWarning('something else happened', 'ExperimentalWarning', 'X1');
    const warnings = lines.map((line) => (JSON.parse(line) as { warning: unknown }).warning);
    expect(warnings).toEqual([
      { name: 'TimeoutNegativeWarning', message: NEGATIVE_TIMEOUT(-17) },
      { name: 'MaxListenersExceededWarning', message: '11 error listeners added' },
      { name: 'ExperimentalWarning', code: 'X1', message: 'something else happened' },
    ]);
  });

  it("moves to the service's own logger once it exists, and gives Node its printer back", () => {
    const early = capturingLogger('early');
    const service = capturingLogger('service');
    const node = processWithNodePrinter();
    const nodeListeners = node.source.listeners('warning');
    restore = routeProcessWarnings(early.logger, node.source);
    routeProcessWarnings(service.logger, node.source);
    node.emitWarning('late', 'DeprecationWarning', 'DEP0999');
    expect(early.lines).toEqual([]);
    expect(service.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({
        service: 'service',
        warning: { name: 'DeprecationWarning', code: 'DEP0999', message: 'late' },
      }),
    ]);

    restore();
    restore = undefined;
    expect(node.source.listeners('warning')).toEqual(nodeListeners);
    node.emitWarning('after', 'DeprecationWarning', 'DEP0998');
    expect(node.printed).toEqual(['(node:1) DeprecationWarning: after']);
  });
});
