import { z } from 'zod';

// Ids and codes end up in document ids, Kafka keys and URLs: printable ASCII
// only, no whitespace or control characters.
const idString = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces or control characters');

// URL slugs (group urlname, topic urlkey) may be in any script, but never hold
// whitespace, control or format characters.
const slugString = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[^\s\p{Cc}\p{Cf}]+$/u, 'must not contain whitespace or control characters');

const numericId = z.number().int('must be an integer').positive('must be positive');
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
const text = z.string().max(4096, 'must be at most 4096 characters');

export const topicSchema = z.object({
  topic_name: text,
  urlkey: slugString,
});

export const groupSchema = z.object({
  group_id: numericId,
  group_name: text,
  group_city: text,
  group_country: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter lowercase country code'),
  group_state: z.string().max(64).optional(),
  group_urlname: slugString,
  group_lat: latitude,
  group_lon: longitude,
  group_topics: z.array(topicSchema).max(100, 'must list at most 100 topics'),
});

export const eventSchema = z.object({
  event_id: idString,
  event_name: text,
  event_url: z.string().max(2048).optional(),
  time: z.number().int().nonnegative().optional(),
});

export const memberSchema = z.object({
  member_id: numericId,
  member_name: text.optional(),
  photo: z.string().max(2048).optional(),
  other_services: z.record(z.string(), z.unknown()).optional(),
});

export const venueSchema = z.object({
  venue_id: z.number().int().nonnegative(),
  venue_name: text.optional(),
  lat: latitude,
  lon: longitude,
});

/** One message of the Meetup RSVP stream (`/2/rsvps`). Unknown fields are kept. */
export const rsvpSchema = z.looseObject({
  rsvp_id: numericId,
  mtime: z.number().int('must be an integer (epoch milliseconds)').nonnegative(),
  response: z.enum(['yes', 'no']),
  guests: z.number().int('must be an integer').nonnegative('must not be negative').max(10_000),
  visibility: z.string().max(32).optional(),
  event: eventSchema,
  group: groupSchema,
  member: memberSchema,
  venue: venueSchema.optional(),
});

export type Rsvp = z.infer<typeof rsvpSchema>;
export type RsvpGroup = z.infer<typeof groupSchema>;
export type RsvpEvent = z.infer<typeof eventSchema>;
export type RsvpVenue = z.infer<typeof venueSchema>;
export type RsvpTopic = z.infer<typeof topicSchema>;
