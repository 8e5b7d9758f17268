import type { BulkDocument } from '@meetup/elasticsearch';

/** A by-country or trending document: ids from the data, external version = the cycle's stamp. */
export type AggregateDocument = BulkDocument<null> & {
  id: string;
  doc: { final: boolean; updated_at: string };
};

/**
 * The content last written of every open document, so a cycle rewrites only
 * the documents whose content changed (and each final one once).
 */
export class WrittenDocuments {
  private readonly written = new Map<string, string>();

  /** The documents of `documents` that differ from what was last written; remembers them. */
  changed(documents: readonly AggregateDocument[]): AggregateDocument[] {
    return documents.filter((d) => {
      const key = `${d.index}/${d.id}`;
      // updated_at changes every cycle: not part of what makes a document changed.
      const text = JSON.stringify({ ...d.doc, updated_at: undefined });
      if (this.written.get(key) === text) return false;
      if (d.doc.final) this.written.delete(key);
      else this.written.set(key, text);
      return true;
    });
  }

  /** Open documents written and not final yet. */
  get open(): number {
    return this.written.size;
  }

  clear(): void {
    this.written.clear();
  }
}
