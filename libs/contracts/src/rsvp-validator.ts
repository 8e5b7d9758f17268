import { z } from 'zod';
import { rsvpSchema, type Rsvp } from './rsvp.schema';
import { parseStrictJson, parseStrictJsonThoroughly } from './strict-json';

export const DEFAULT_MAX_RSVP_BYTES = 64 * 1024;

export const RejectionCode = {
  Oversized: 'oversized',
  NotJson: 'not_json',
  NotAnObject: 'not_an_object',
  InvalidField: 'invalid_field',
} as const;
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

export interface Rejection {
  code: RejectionCode;
  /** Dotted path of the first offending field (`event.event_id`), or '' for the whole message. */
  field: string;
  message: string;
}

export type RsvpValidation = { ok: true; rsvp: Rsvp } | { ok: false; rejection: Rejection };

/**
 * Zod's ahead-of-time compiled parser for the schema: a valid RSVP takes generated code, anything
 * else is handed to zod's own parser, so a refusal is the same issue, path and message.
 */
const compiledRsvpSchema = z.compile(rsvpSchema);

export interface RsvpValidatorOptions {
  /** Messages larger than this (UTF-8 bytes) are rejected before parsing. */
  maxBytes?: number;
  /**
   * Take the fast paths (the default): strict JSON's quick check and zod's compiled parser.
   * Off, every message takes the thorough strict-JSON walk and zod's own parser: the reference
   * the fast paths are tested against (same verdict, value and rejection) and benchmarked with.
   */
  fastPaths?: boolean;
}

/** Validates raw stream messages (one JSON document each) against the RSVP contract. */
export class RsvpValidator {
  private readonly maxBytes: number;
  private readonly parseJson: typeof parseStrictJson;
  private readonly schema: typeof rsvpSchema;

  constructor(options: RsvpValidatorOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_RSVP_BYTES;
    const fast = options.fastPaths ?? true;
    this.parseJson = fast ? parseStrictJson : parseStrictJsonThoroughly;
    this.schema = fast ? compiledRsvpSchema : rsvpSchema;
  }

  validateRaw(raw: string | Buffer): RsvpValidation {
    const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
    if (size > this.maxBytes) {
      return reject(
        RejectionCode.Oversized,
        '',
        `message is ${size} bytes, limit is ${this.maxBytes}`,
      );
    }
    const json = this.parseJson(raw);
    if (!json.ok) {
      const code = json.reason === 'not_json' ? RejectionCode.NotJson : RejectionCode.InvalidField;
      return reject(code, json.field, json.message);
    }
    return this.validateValue(json.value);
  }

  /** Checks a parsed value against the schema (`validateRaw` also checks the JSON text itself). */
  validateValue(value: unknown): RsvpValidation {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return reject(RejectionCode.NotAnObject, '', 'message must be a JSON object');
    }
    const result = this.schema.safeParse(value);
    if (result.success) return { ok: true, rsvp: result.data };
    const issue = result.error.issues[0];
    const field = issue ? issue.path.map(String).join('.') : '';
    const message = issue ? `${field || 'message'}: ${issue.message}` : 'invalid RSVP';
    return reject(RejectionCode.InvalidField, field, message);
  }
}

function reject(code: RejectionCode, field: string, message: string): RsvpValidation {
  return { ok: false, rejection: { code, field, message } };
}
