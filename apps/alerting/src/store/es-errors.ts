import { errors } from '@elastic/elasticsearch';

/** 409: an optimistic-concurrency check failed or a document created with op_type=create exists. */
export function isConflict(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.statusCode === 409;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.statusCode === 404;
}

/** The version a document was read at, for if_seq_no / if_primary_term. */
export interface DocVersion {
  seqNo: number;
  primaryTerm: number;
}
