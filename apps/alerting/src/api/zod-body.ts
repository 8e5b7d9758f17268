import type { z } from 'zod';
import { ApiError } from './api-error';

/** Parses a request body; a 400 names every field at fault. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ApiError(
    'invalid_request',
    'the request body is invalid',
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    })),
  );
}
