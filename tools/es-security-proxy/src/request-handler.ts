import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authenticateAnswer } from './authentication';
import { type AuthorizationContext, firstRefusal } from './authorizer';
import { bodyChecks } from './body-checks';
import { planRequest } from './endpoints';
import { type Body, DenialLog, type Exchange, forward, readBody } from './exchange';
import { BodyParseError } from './ndjson';
import { answerBroadcast, answerMultiItem } from './partial-answers';
import { sendJson } from './reply';
import type { RequestPlan } from './request-plan';
import { Role } from './role';
import { BASIC_CHALLENGE, authenticationFailure, unknownEndpointReason } from './security-errors';
import type { Denial, ProxyUser, RoleDescriptor } from './types';
import { type Upstream, UpstreamError } from './upstream';

export interface ProxyState {
  readonly users: readonly ProxyUser[];
  readonly roles: ReadonlyMap<string, RoleDescriptor>;
  readonly upstream: Upstream;
  readonly denials: Denial[];
}

/** Authenticates, authorizes and forwards one request, or answers it as Elasticsearch security would. */
export class RequestHandler {
  /** A user's roles never change while the proxy runs: compiled once. */
  private readonly roles = new Map<string, Role>();
  private readonly log: DenialLog;

  constructor(private readonly state: ProxyState) {
    this.log = new DenialLog(state.denials);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.dispatch(request, response);
    } catch (error) {
      if (response.headersSent) {
        response.destroy(error as Error);
        return;
      }
      const bad = error instanceof BodyParseError;
      const type = bad ? 'parse_exception' : 'es_security_proxy_exception';
      const reason = `es-security-proxy: ${(error as Error).message}`;
      const status = bad ? 400 : error instanceof UpstreamError ? 502 : 500;
      sendJson(request, response, status, {
        error: { root_cause: [{ type, reason }], type, reason },
        status,
      });
    }
  }

  private roleOf(user: ProxyUser): Role {
    let role = this.roles.get(user.username);
    if (!role) {
      role = Role.of(user.roles, this.state.roles);
      this.roles.set(user.username, role);
    }
    return role;
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://proxy.invalid');
    const authentication = authenticate(request.headers.authorization, this.state.users);
    if (!authentication.ok) {
      const { username } = authentication;
      this.log.record(username ?? '', { action: 'authenticate', indices: [] }, 401, {
        method,
        url,
      });
      sendJson(request, response, 401, authenticationFailure(request.url ?? '/', username), {
        'www-authenticate': BASIC_CHALLENGE,
      });
      return;
    }
    const { user } = authentication;
    const context: AuthorizationContext = {
      role: this.roleOf(user),
      lookup: this.state.upstream,
      expandWildcards: url.searchParams.get('expand_wildcards') ?? 'open',
    };
    const exchange = { request, response, method, url, username: user.username, context };
    await this.authorized(exchange, planRequest(method, url.pathname, url.searchParams), user);
  }

  private async authorized(exchange: Exchange, plan: RequestPlan, user: ProxyUser): Promise<void> {
    const { upstream } = this.state;
    if (plan.unknown) {
      const reason = unknownEndpointReason(exchange.method, exchange.url.pathname);
      this.log.refuse(exchange, { action: 'unknown', indices: [] }, reason);
    } else if (plan.local === 'authenticate') {
      const answer = authenticateAnswer(user, exchange.context.role);
      sendJson(exchange.request, exchange.response, 200, answer);
    } else if (plan.anyUser) {
      await forward(upstream, exchange);
    } else if (plan.body === 'bulk' || plan.body === 'mget' || plan.body === 'msearch') {
      await answerMultiItem(exchange, plan, plan.body, upstream, this.log);
    } else if (plan.body === undefined) {
      await this.checked(exchange, plan, plan.checks);
    } else {
      const body = await readBody(exchange.request);
      const found = bodyChecks(plan.body, body.decoded, plan.pathIndices ?? []);
      const checks = [...(found.replacesPlan ? [] : plan.checks), ...found.checks];
      await this.checked(exchange, plan, checks, body, found.finalCheck);
    }
  }

  private async checked(
    exchange: Exchange,
    plan: RequestPlan,
    checks: RequestPlan['checks'],
    body?: Body,
    finalCheck?: (context: AuthorizationContext) => Promise<string | undefined>,
  ): Promise<void> {
    const { upstream } = this.state;
    const refusal = await firstRefusal(checks, exchange.context);
    if (refusal) {
      this.log.refuse(exchange, refusal);
      return;
    }
    const finalReason = await finalCheck?.(exchange.context);
    if (finalReason !== undefined) {
      this.log.refuse(exchange, { action: plan.action, indices: [] }, finalReason);
      return;
    }
    if (
      plan.shardAction &&
      (await answerBroadcast(exchange, plan, plan.shardAction, upstream, this.log))
    ) {
      return;
    }
    await forward(upstream, exchange, body);
  }
}
