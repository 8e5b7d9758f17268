import { WrittenDocuments, type AggregateDocument } from './written-documents';

function bucket(responses: number, final: boolean, updatedAt: string): AggregateDocument {
  const doc = { responses, final, updated_at: updatedAt };
  return { index: 'by_country', id: '1000:de:yes', version: 1, ref: null, doc };
}

describe('WrittenDocuments', () => {
  it('passes a document the first time and again only when its content changes', () => {
    const written = new WrittenDocuments();
    expect(written.changed([bucket(3, false, 't1')])).toHaveLength(1);
    expect(written.changed([bucket(3, false, 't2')])).toEqual([]);
    expect(written.changed([bucket(4, false, 't3')]).map((d) => d.doc)).toEqual([
      { responses: 4, final: false, updated_at: 't3' },
    ]);
    expect(written.open).toBe(1);
  });

  it('passes a document once when it becomes final and then forgets it', () => {
    const written = new WrittenDocuments();
    written.changed([bucket(4, false, 't1')]);
    expect(written.changed([bucket(4, true, 't2')])).toHaveLength(1);
    expect(written.open).toBe(0);
  });

  it('passes everything again after clear (a new leadership rewrites what it computes)', () => {
    const written = new WrittenDocuments();
    written.changed([bucket(4, false, 't1')]);
    written.clear();
    expect(written.changed([bucket(4, false, 't2')])).toHaveLength(1);
  });
});
