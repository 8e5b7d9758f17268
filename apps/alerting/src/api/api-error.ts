import { HttpException, HttpStatus } from '@nestjs/common';

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_rule'
  | 'rule_exists'
  | 'rule_not_found'
  | 'rule_from_file'
  | 'alert_not_found'
  | 'not_firing'
  | 'not_acknowledged'
  | 'conflict';

const STATUS: Record<ApiErrorCode, HttpStatus> = {
  invalid_request: HttpStatus.BAD_REQUEST,
  invalid_rule: HttpStatus.BAD_REQUEST,
  rule_exists: HttpStatus.CONFLICT,
  rule_not_found: HttpStatus.NOT_FOUND,
  rule_from_file: HttpStatus.CONFLICT,
  alert_not_found: HttpStatus.NOT_FOUND,
  not_firing: HttpStatus.CONFLICT,
  not_acknowledged: HttpStatus.CONFLICT,
  conflict: HttpStatus.CONFLICT,
};

/** The API's one error type: a code, a message, and for validation the fields at fault. */
export class ApiError extends HttpException {
  constructor(
    code: ApiErrorCode,
    message: string,
    problems?: { field: string; message: string }[],
  ) {
    super({ error: code, message, ...(problems ? { problems } : {}) }, STATUS[code]);
  }
}
