/** Where a client asks the stream to start (the Meetup protocol's two options do not combine). */
export type StreamPosition =
  | { kind: 'live' }
  | { kind: 'since_mtime'; mtime: number }
  | { kind: 'since_count'; count: number };

export interface StreamQuery {
  position: StreamPosition;
  /** Only messages of this event. */
  eventId?: string;
}

/** The stream URL with the query parameters of a position. */
export function streamUrl(base: string, query: StreamQuery): string {
  const url = new URL(base);
  const { position } = query;
  if (position.kind === 'since_mtime') url.searchParams.set('since_mtime', String(position.mtime));
  if (position.kind === 'since_count') url.searchParams.set('since_count', String(position.count));
  if (query.eventId !== undefined) url.searchParams.set('event_id', query.eventId);
  return url.toString();
}

/** Reads a position from request parameters; `since_mtime` wins when both are given. */
export function parseStreamQuery(params: URLSearchParams): StreamQuery {
  const mtime = nonNegative(params.get('since_mtime'));
  const count = nonNegative(params.get('since_count'));
  const eventId = params.get('event_id') ?? undefined;
  const position: StreamPosition =
    mtime !== undefined
      ? { kind: 'since_mtime', mtime }
      : count !== undefined
        ? { kind: 'since_count', count }
        : { kind: 'live' };
  return eventId === undefined ? { position } : { position, eventId };
}

function nonNegative(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : undefined;
}
