import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { ApiToken, BearerAuthGuard } from './bearer-auth.guard';

const guard = new BearerAuthGuard(new ApiToken('0123456789abcdef'));

function withAuthorization(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('BearerAuthGuard', () => {
  it('lets a request with the configured bearer token through, the scheme in any case', () => {
    expect(guard.canActivate(withAuthorization('Bearer 0123456789abcdef'))).toBe(true);
    expect(guard.canActivate(withAuthorization('bearer 0123456789abcdef'))).toBe(true);
  });

  it('refuses a missing, wrong, shorter or longer token with 401', () => {
    for (const header of [
      undefined,
      '',
      'Bearer 0123456789abcdeX',
      'Bearer 0123456789abcde',
      'Bearer 0123456789abcdef0',
      'Basic 0123456789abcdef',
    ]) {
      expect(() => guard.canActivate(withAuthorization(header))).toThrow(UnauthorizedException);
    }
  });
});
