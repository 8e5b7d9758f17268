import { InMemoryLockDocuments } from '../../test/support/in-memory-batch-storage';
import {
  BatchLock,
  BatchLockedError,
  BatchLockLostError,
  heartbeatDelayMs,
  isHeld,
  LockConflictError,
  lockDocument,
  type LockDocument,
  type LockVersion,
} from './batch-lock';

const T = Date.parse('2024-05-03T12:00:00Z');
const TTL = 30_000;

function lockOf(owner: string, documents: InMemoryLockDocuments, clock = { now: T }) {
  return new BatchLock(documents, { owner, ttlMs: TTL, now: () => clock.now });
}

describe('lock decisions', () => {
  it('writes a lock document valid for the TTL from now', () => {
    expect(lockDocument('a', 'full', T, TTL)).toEqual({
      kind: 'lock',
      owner: 'a',
      mode: 'full',
      acquired_at: '2024-05-03T12:00:00.000Z',
      expires_at: '2024-05-03T12:00:30.000Z',
    });
  });

  it('counts a lock as held until its expiry, and no lock as free', () => {
    const held = lockDocument('a', 'full', T, TTL);
    expect(isHeld(held, T + TTL - 1)).toBe(true);
    expect(isHeld(held, T + TTL)).toBe(false);
    expect(isHeld(undefined, T)).toBe(false);
  });

  it('extends three times per TTL, never more often than every 100 ms', () => {
    expect(heartbeatDelayMs(30_000)).toBe(10_000);
    expect(heartbeatDelayMs(90)).toBe(100);
  });
});

describe('BatchLock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('takes a free lock and lets it go on release', async () => {
    const documents = new InMemoryLockDocuments();
    const lock = lockOf('a', documents);
    await lock.acquire('incremental');
    expect(documents.current?.document).toMatchObject({ owner: 'a', mode: 'incremental' });
    lock.assertHeld();
    await lock.release();
    expect(documents.current).toBeUndefined();
  });

  it('refuses to start while another run holds the lock, naming it and its expiry', async () => {
    const documents = new InMemoryLockDocuments();
    await documents.create(lockDocument('b', 'full', T - 1_000, TTL));
    const refused = lockOf('a', documents).acquire('full');
    await expect(refused).rejects.toThrow(BatchLockedError);
    await expect(refused).rejects.toMatchObject({
      owner: 'b',
      expiresAt: '2024-05-03T12:00:29.000Z',
    });
    expect(documents.current?.document.owner).toBe('b');
  });

  it('takes over the lock of a run that crashed once it expired', async () => {
    const documents = new InMemoryLockDocuments();
    await documents.create(lockDocument('crashed', 'full', T - TTL - 1, TTL));
    const lock = lockOf('a', documents);
    await lock.acquire('full');
    expect(documents.current?.document.owner).toBe('a');
    await lock.release();
    expect(documents.current).toBeUndefined();
  });

  it('lets only one of two runs take over the same expired lock', async () => {
    const documents = new InMemoryLockDocuments();
    await documents.create(lockDocument('crashed', 'full', T - TTL - 1, TTL));
    const [first, second] = await Promise.allSettled([
      lockOf('a', documents).acquire('full'),
      lockOf('b', documents).acquire('full'),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({
      status: 'rejected',
      reason: { name: 'BatchLockedError', owner: 'another run taking over the expired lock' },
    });
    expect(documents.current?.document.owner).toBe('a');
  });

  it('passes on a failure other than a conflict when creating the lock', async () => {
    const documents = new InMemoryLockDocuments();
    documents.create = () => Promise.reject(new Error('no living connections'));
    await expect(lockOf('a', documents).acquire('full')).rejects.toThrow('no living connections');
  });

  it('extends its expiry while the run works', async () => {
    jest.useFakeTimers();
    const clock = { now: T };
    const documents = new InMemoryLockDocuments();
    const lock = lockOf('a', documents, clock);
    await lock.acquire('full');
    clock.now = T + 10_000;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(documents.current?.document.expires_at).toBe('2024-05-03T12:00:40.000Z');
    clock.now = T + 20_000;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(documents.current?.document.expires_at).toBe('2024-05-03T12:00:50.000Z');
    lock.assertHeld();
    await lock.release();
    expect(documents.current).toBeUndefined();
  });

  it('tries again at the next beat when an extension fails for a passing reason', async () => {
    jest.useFakeTimers();
    const documents = new InMemoryLockDocuments();
    const replace = documents.replace.bind(documents);
    let failures = 1;
    documents.replace = (document: LockDocument, expected: LockVersion) =>
      failures-- > 0 ? Promise.reject(new Error('timeout')) : replace(document, expected);
    const clock = { now: T };
    const lock = lockOf('a', documents, clock);
    await lock.acquire('full');
    clock.now = T + 10_000;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(documents.current?.document.expires_at).toBe('2024-05-03T12:00:30.000Z');
    lock.assertHeld();
    clock.now = T + 20_000;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(documents.current?.document.expires_at).toBe('2024-05-03T12:00:50.000Z');
    await lock.release();
  });

  it('keeps the lock when an extension answered a conflict but had written (a retried request)', async () => {
    jest.useFakeTimers();
    const documents = new InMemoryLockDocuments();
    const replace = documents.replace.bind(documents);
    let retried = 1;
    documents.replace = async (document: LockDocument, expected: LockVersion) => {
      const written = await replace(document, expected);
      if (retried-- > 0) throw new LockConflictError();
      return written;
    };
    const lock = lockOf('a', documents);
    await lock.acquire('full');
    await jest.advanceTimersByTimeAsync(10_000);
    lock.assertHeld();
    await lock.release();
    expect(documents.current).toBeUndefined();
  });

  it('finds the lock lost once another run took it over, and leaves that run’s lock alone', async () => {
    jest.useFakeTimers();
    const documents = new InMemoryLockDocuments();
    const lock = lockOf('a', documents);
    await lock.acquire('full');
    const stalled = await documents.read();
    await documents.replace(lockDocument('b', 'full', T + TTL, TTL), stalled);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(() => {
      lock.assertHeld();
    }).toThrow(BatchLockLostError);
    await lock.release();
    expect(documents.current?.document.owner).toBe('b');
  });
});
