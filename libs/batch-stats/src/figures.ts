/** Counts of a set of RSVPs (their latest states). */
export interface RsvpFigures {
  responses: number;
  yes: number;
  no: number;
  /** Guests of `yes` answers only. */
  guests: number;
  /** `yes` answers plus their guests. */
  attendees: number;
}

/** The figure sub-aggregations of a composite bucket (see `figureAggs`). */
export interface FigureBucket {
  doc_count: number;
  yes: { doc_count: number; guests: { value: number | null } };
  no: { doc_count: number };
}

export function figuresOf(bucket: FigureBucket): RsvpFigures {
  const guests = bucket.yes.guests.value ?? 0;
  return {
    responses: bucket.doc_count,
    yes: bucket.yes.doc_count,
    no: bucket.no.doc_count,
    guests,
    attendees: bucket.yes.doc_count + guests,
  };
}

export const noFigures = (): RsvpFigures => ({
  responses: 0,
  yes: 0,
  no: 0,
  guests: 0,
  attendees: 0,
});

export function addFigures(a: RsvpFigures, b: RsvpFigures): RsvpFigures {
  return {
    responses: a.responses + b.responses,
    yes: a.yes + b.yes,
    no: a.no + b.no,
    guests: a.guests + b.guests,
    attendees: a.attendees + b.attendees,
  };
}
