import { answerColours, quantityAt, quantityRamp, quantityScale, VIRIDIS } from './palette';

describe('the console palette', () => {
  it('makes the busiest countries darker on a light page and brighter on a dark one', () => {
    const light = quantityRamp('light');
    const dark = quantityRamp('dark');
    expect(light[0]).toBe(VIRIDIS[9]);
    expect(light.at(-1)).toBe(VIRIDIS[0]);
    expect(dark[0]).toBe(VIRIDIS[0]);
    expect(dark.at(-1)).toBe(VIRIDIS[9]);
  });

  it('does not let a caller change the shared ramp', () => {
    quantityRamp('light').pop();
    expect(quantityRamp('dark')).toHaveLength(10);
  });

  it('shows yes and no in blue and orange tones, never red against green', () => {
    expect(answerColours('light')).toEqual({ yes: '#0072B2', no: '#D55E00' });
    expect(answerColours('dark')).toEqual({ yes: '#56B4E9', no: '#E69F00' });
  });

  it('places counts on a logarithmic scale and reads them back', () => {
    expect(quantityScale(0)).toBe(0);
    expect(quantityScale(9)).toBeCloseTo(1);
    expect(quantityScale(999)).toBeCloseTo(3);
    expect(quantityScale(-4)).toBe(0);
    expect(quantityAt(quantityScale(1234))).toBe(1234);
  });
});
