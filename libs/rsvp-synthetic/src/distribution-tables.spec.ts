import { recordedLines } from '@meetup/fixtures';
import { deriveDistributionTables } from './distribution-tables';
import { recordedDistributionTables } from './table-catalog';

describe('distribution tables', () => {
  it('are the ones derived from the recorded data (regenerate when ../shared/data changes)', () => {
    const derived = deriveDistributionTables(recordedLines().map((line) => line.raw));
    expect(recordedDistributionTables()).toEqual(derived);
  });
});
