import { sparklinePath } from './sparkline';

describe('sparkline paths', () => {
  it('puts the largest value at the top and zero at the bottom', () => {
    expect(sparklinePath([0, 5, 10], 20, 10, 0)).toBe('M0,10L10,5L20,0');
  });

  it('draws an all-zero series along the bottom', () => {
    expect(sparklinePath([0, 0], 10, 10, 1)).toBe('M1,9L9,9');
  });

  it('draws a single window as a flat line across the box', () => {
    expect(sparklinePath([4], 10, 10, 0)).toBe('M0,0L10,0');
  });

  it('draws nothing without values', () => {
    expect(sparklinePath([], 10, 10)).toBe('');
  });
});
