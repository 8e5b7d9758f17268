import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** The error code the API answers for a status Nest or the body parser raised itself. */
const CODES: Partial<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

interface Reply {
  status(code: number): { json(body: unknown): void };
}

/** An error of the body parser (http-errors): a client error whose message may be shown. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true
    ? status
    : undefined;
}

/**
 * Every client error in the API's one shape, `{error, message, problems?}`: the API's own
 * errors pass through; those Nest or the body parser raise themselves (malformed JSON, a body
 * over the limit, an unknown route) get a code. Anything else is Nest's 500, which never
 * shows the error's message.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const body = this.clientError(exception);
    if (!body) {
      super.catch(exception, host);
      return;
    }
    host.switchToHttp().getResponse<Reply>().status(body.status).json(body.answer);
  }

  private clientError(exception: unknown): { status: number; answer: object } | undefined {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const given = exception.getResponse();
      // Nest's own shape is `{statusCode, message, error?}`; any other body (the API's errors,
      // the readiness report) is what the endpoint means to answer.
      if (typeof given === 'object' && !('statusCode' in given)) return { status, answer: given };
      return { status, answer: this.coded(status, exception.message) };
    }
    const status = clientErrorStatus(exception);
    if (status === undefined) return undefined;
    return { status, answer: this.coded(status, (exception as Error).message) };
  }

  private coded(status: number, message: string) {
    const explained =
      status === 400
        ? `the body is not JSON: ${message}`
        : status === 413
          ? 'the body is larger than 100 KiB'
          : message;
    return { error: CODES[status] ?? 'http_error', message: explained };
  }
}
