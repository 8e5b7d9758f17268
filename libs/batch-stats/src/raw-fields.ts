/** Field paths of the raw index `meetup_rsvps` that the batch aggregates on. */
export const RawFields = {
  groupId: 'group.group_id',
  memberId: 'member.member_id',
  eventId: 'event.event_id',
  rsvpId: 'rsvp_id',
  mtime: 'mtime',
  indexedAt: 'indexed_at',
  response: 'response',
  guests: 'guests',
} as const;

/** The part of a raw document's `_source` the batch reads (the stream record's group and event). */
export interface RawGroup {
  group_id: number | string;
  group_name: string;
  group_city: string;
  group_state?: string;
  group_country: string;
  group_urlname: string;
  group_lat: number;
  group_lon: number;
  group_topics: { topic_name: string; urlkey: string }[];
}

export interface RawEvent {
  event_id: string;
  event_name: string;
  event_url?: string;
  time?: number;
}

export interface RawSource {
  group: RawGroup;
  event?: RawEvent;
}
