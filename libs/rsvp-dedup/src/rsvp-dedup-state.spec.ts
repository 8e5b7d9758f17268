import { RsvpDedupState, type RsvpAnswer } from './rsvp-dedup-state';

const answer = (mtime: number, response: 'yes' | 'no' = 'yes', guests = 0): RsvpAnswer => ({
  rsvp_id: 42,
  mtime,
  response,
  guests,
});

describe('RsvpDedupState', () => {
  it('counts the first message of an rsvp', () => {
    expect(new RsvpDedupState().apply(answer(1_000), 0)).toBe('first');
  });

  it('drops a duplicate rsvp delivered twice', () => {
    const state = new RsvpDedupState();
    state.apply(answer(1_000), 0);
    expect(state.apply(answer(1_000), 0)).toBe('stale');
  });

  it('does not count a resend with a later mtime and the same answer', () => {
    const state = new RsvpDedupState();
    state.apply(answer(1_234), 0);
    expect(state.apply(answer(2_000), 0)).toBe('resend');
  });

  it('counts a changed response or guest count', () => {
    const state = new RsvpDedupState();
    state.apply(answer(1_000), 0);
    expect(state.apply(answer(2_000, 'no'), 0)).toBe('changed');
    expect(state.apply(answer(3_000, 'no', 2), 0)).toBe('changed');
  });

  it('ignores an older message that arrives after a newer one', () => {
    const state = new RsvpDedupState();
    state.apply(answer(2_000, 'no'), 0);
    expect(state.apply(answer(1_000, 'yes'), 0)).toBe('stale');
  });

  it('forgets state beyond the horizon of event time', () => {
    const state = new RsvpDedupState({ horizonMs: 10_000 });
    state.apply(answer(1_000), 0);
    expect(state.apply(answer(2_000), 20_000)).toBe('first');
    expect(state.evict(100_000)).toBe(1);
    expect(state.size).toBe(0);
  });

  it('survives a round trip through its text form', () => {
    const state = new RsvpDedupState();
    state.apply(answer(1_000, 'no', 3), 0);
    state.apply({ ...answer(5_000), rsvp_id: 7 }, 0);
    const restored = RsvpDedupState.deserialize(state.serialize());
    expect(restored.serialize()).toBe(state.serialize());
    expect(restored.apply(answer(2_000, 'no', 3), 0)).toBe('resend');
    expect(RsvpDedupState.deserialize('').size).toBe(0);
  });
});
