import { z } from 'zod';
import { DURATION_PATTERN } from './duration';
import { isValidCron } from './schedule';

const duration = () => z.string().regex(DURATION_PATTERN, 'must be a duration such as 30s, 5m, 1h');

export const comparisonOps = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

/** `value at path` compared with a constant. */
export const comparisonSchema = z.strictObject({
  path: z.string().min(1).default('value'),
  op: z.enum(comparisonOps),
  value: z.number(),
});

/** Change of the value at path versus the previous evaluation, absolute or in percent. */
export const changeSchema = z.strictObject({
  change: z.strictObject({
    path: z.string().min(1).default('value'),
    op: z.enum(comparisonOps),
    value: z.number(),
    mode: z.enum(['absolute', 'percent']).default('absolute'),
  }),
});

export const conditionSchema = z.union([comparisonSchema, changeSchema]);
export type Condition = z.infer<typeof conditionSchema>;

export const metricSchema = z.strictObject({
  agg: z.enum(['count', 'sum', 'avg', 'max', 'min', 'cardinality']).default('count'),
  field: z.string().min(1).optional(),
});

export const inputSchema = z.strictObject({
  /** Index or alias searched; rule types have a default (trending: the trending index). */
  index: z.string().min(1).optional(),
  time_field: z.string().min(1).optional(),
  /** The time range searched: [now - window, now]. */
  window: duration().default('5m'),
  /** An Elasticsearch query (DSL) that filters the documents. */
  query: z.record(z.string(), z.unknown()).optional(),
  metric: metricSchema.optional(),
  group_by: z
    .strictObject({
      field: z.string().min(1),
      size: z.number().int().positive().max(1000).default(50),
      /** per_group: one alert per bucket; any/all: one alert when any/all buckets match. */
      mode: z.enum(['per_group', 'any', 'all']).default('per_group'),
    })
    .optional(),
});

const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name');

export const webhookActionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase id'),
  type: z.literal('webhook'),
  url: z.url({ error: 'must be an http(s) URL', protocol: /^https?$/ }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(headerName, z.string()).default({}),
  /** Mustache template of the body; the JSON of the alert when absent. */
  body: z.string().optional(),
  /** Per-action secret: the body is signed with HMAC-SHA256 under it. */
  secret: z.string().min(8).optional(),
  timeout: duration().default('10s'),
  retries: z.number().int().min(0).max(10).default(3),
  backoff: duration().default('500ms'),
  /** While an alert keeps firing, a reminder at most this often; none when absent. */
  throttle_period: duration().optional(),
});

export const logActionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase id'),
  type: z.literal('log'),
  throttle_period: duration().optional(),
});

export const actionSchema = z.discriminatedUnion('type', [webhookActionSchema, logActionSchema]);
export type RuleAction = z.infer<typeof actionSchema>;
export type WebhookAction = z.infer<typeof webhookActionSchema>;

export const ruleTypes = [
  'threshold',
  'frequency',
  'spike',
  'flatline',
  'new_term',
  'trending',
] as const;
export type RuleType = (typeof ruleTypes)[number];

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'must be lowercase letters, digits, _ . -'),
    name: z.string().min(1).max(256),
    description: z.string().max(2048).optional(),
    enabled: z.boolean().default(true),
    type: z.enum(ruleTypes),
    trigger: z.union([
      z.strictObject({ interval: duration() }),
      z.strictObject({
        cron: z.string().refine(isValidCron, 'must be a cron expression (5 or 6 fields, UTC)'),
      }),
    ]),
    input: inputSchema.default({ window: '5m' }),
    condition: conditionSchema.optional(),
    /** Resolves when this holds (hysteresis); the negation of `condition` when absent. */
    recovery: conditionSchema.optional(),
    spike: z
      .strictObject({
        ratio: z.number().positive(),
        direction: z.enum(['up', 'down', 'both']).default('up'),
        min_count: z.number().int().nonnegative().default(1),
      })
      .optional(),
    new_term: z.strictObject({ field: z.string().min(1), lookback: duration() }).optional(),
    /** Extra template fields: name → dotted path in the group's values. */
    transform: z.record(z.string(), z.string()).optional(),
    pending_period: duration().optional(),
    flapping: z
      .strictObject({ window: duration(), max_transitions: z.number().int().min(2) })
      .optional(),
    /** One notification per evaluation and action listing every alert, not one per alert. */
    digest: z.boolean().default(false),
    actions: z.array(actionSchema).min(1, 'must list at least one action'),
  })
  .superRefine((rule, ctx) => {
    const needs = (field: 'condition' | 'spike' | 'new_term') => {
      if (rule[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for ${rule.type}` });
      }
    };
    if (rule.type === 'spike') needs('spike');
    else if (rule.type === 'new_term') needs('new_term');
    else needs('condition');
    const ids = rule.actions.map((a) => a.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) {
        ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: 'is not unique' });
      }
    });
  });

export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export interface RuleProblem {
  /** Dotted path of the offending field, e.g. `actions.0.url`. */
  field: string;
  message: string;
}

export type RuleParseResult = { ok: true; rule: Rule } | { ok: false; problems: RuleProblem[] };

/** Validates a rule definition; every problem names its field. */
export function parseRule(input: unknown): RuleParseResult {
  const result = ruleSchema.safeParse(input);
  if (result.success) return { ok: true, rule: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(rule)',
      message:
        issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  };
}
