import { timingSafeEqual } from 'node:crypto';
import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';

/** The configured API token (a class so that it is its own injection token). */
export class ApiToken {
  constructor(readonly value: string) {}
}

/** `Authorization: Bearer <token>` against the configured token, compared in constant time. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: ApiToken) {
    this.expected = Buffer.from(token.value);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: { authorization?: string } }>();
    // RFC 6750: the `Bearer` scheme, one space, the token; a bare token is not a credential.
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(request.headers.authorization ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    if (match && given.length === this.expected.length && timingSafeEqual(given, this.expected))
      return true;
    throw new UnauthorizedException({
      error: 'unauthorized',
      message: 'a valid bearer token is required',
    });
  }
}
