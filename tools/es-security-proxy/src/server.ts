import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { RequestHandler } from './request-handler';
import { SUPERUSER } from './role';
import { validate } from './roles-yaml';
import type { Denial, EsSecurityProxy, EsSecurityProxyOptions, RoleDescriptor } from './types';
import { Upstream } from './upstream';

function roleMap(roles: Record<string, RoleDescriptor>): Map<string, RoleDescriptor> {
  const map = new Map<string, RoleDescriptor>([['superuser', SUPERUSER]]);
  for (const [name, descriptor] of Object.entries(roles)) {
    // A role that would not load in Elasticsearch must not load here either.
    validate(name, descriptor);
    map.set(name, descriptor);
  }
  return map;
}

/**
 * Starts an HTTPS server that authenticates file-realm users (HTTP Basic),
 * authorizes each request against their roles as Elasticsearch security
 * does, and forwards what is allowed to the plain-HTTP `upstream`.
 */
export async function startEsSecurityProxy(
  options: EsSecurityProxyOptions,
): Promise<EsSecurityProxy> {
  const denials: Denial[] = [];
  const upstream = new Upstream(options.upstream);
  const handler = new RequestHandler({
    users: options.users.map((user) => ({ ...user })),
    roles: roleMap(options.roles),
    upstream,
    denials,
  });
  const server = https.createServer(
    { key: options.tls.key, cert: options.tls.cert },
    (request, response) => {
      void handler.handle(request, response);
    },
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    denials,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          upstream.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
