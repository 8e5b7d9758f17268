import { firstRefusal } from './authorizer';
import { shardRefusal, withFailedShards } from './broadcast';
import {
  type DenialLog,
  type Exchange,
  forward,
  readBody,
  rewrittenRequestHeaders,
} from './exchange';
import { mergeAnswer, multiItem } from './multi-item';
import { rewrittenHeaders, sendJson } from './reply';
import type { RequestPlan } from './request-plan';
import type { Upstream } from './upstream';

/**
 * Bulk, multi-get, multi-search: refused items get their error entry, the
 * others run, and the answer keeps the items' order. A request with no
 * refused item goes through untouched.
 */
export async function answerMultiItem(
  exchange: Exchange,
  plan: RequestPlan,
  kind: 'bulk' | 'mget' | 'msearch',
  upstream: Upstream,
  log: DenialLog,
): Promise<void> {
  const refusal = await firstRefusal(plan.checks, exchange.context);
  if (refusal) {
    log.refuse(exchange, refusal);
    return;
  }
  const body = await readBody(exchange.request);
  const items = await multiItem(kind, body.decoded, plan.pathIndices, exchange.context);
  const denied = new Map<number, unknown>();
  items.refusals.forEach((itemRefusal, position) => {
    if (itemRefusal)
      denied.set(position, items.denied(position, log.refusePart(exchange, itemRefusal)));
  });
  if (denied.size === 0) {
    await forward(upstream, exchange, body);
    return;
  }
  if (denied.size === items.count) {
    sendJson(exchange.request, exchange.response, 200, items.allDenied([...denied.values()]));
    return;
  }
  const allowed = [...Array(items.count).keys()].filter((position) => !denied.has(position));
  const answer = await upstream.exchange(
    exchange.method,
    exchange.request.url ?? '/',
    rewrittenRequestHeaders(exchange.request.headers),
    items.body(allowed),
  );
  const merged =
    answer.status === 200
      ? mergeAnswer(
          items,
          JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>,
          denied,
        )
      : undefined;
  const payload = merged ? Buffer.from(JSON.stringify(merged)) : answer.body;
  exchange.response.writeHead(answer.status, rewrittenHeaders(answer.headers, payload.length));
  exchange.response.end(payload);
}

/**
 * Refresh and flush whose shard-level action is refused on some concrete
 * indices: runs it on the others and answers with the refused shards failed.
 * False when nothing is refused and the request may go on as it is.
 */
export async function answerBroadcast(
  exchange: Exchange,
  plan: RequestPlan,
  shardAction: string,
  upstream: Upstream,
  log: DenialLog,
): Promise<boolean> {
  const names = plan.checks.find((check) => check.kind === 'indices')?.names ?? ['_all'];
  const refused = await shardRefusal(shardAction, names, exchange.context);
  if (!refused) return false;
  const reasons = refused.denied.map((index) => ({
    index,
    reason: log.refusePart(exchange, { action: shardAction, indices: [index] }),
  }));
  let answer: Parameters<typeof withFailedShards>[0];
  if (refused.allowed.length > 0) {
    const endpoint = exchange.url.pathname.split('/').pop() ?? '';
    const path = `/${refused.allowed.map(encodeURIComponent).join(',')}/${endpoint}${exchange.url.search}`;
    const ran = await upstream.exchange(
      exchange.method,
      path,
      rewrittenRequestHeaders(exchange.request.headers),
    );
    answer = JSON.parse(ran.body.toString('utf8')) as typeof answer;
  }
  const { status, body } = withFailedShards(answer, reasons);
  sendJson(exchange.request, exchange.response, status, body);
  return true;
}
