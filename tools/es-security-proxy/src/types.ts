/** A role as Elasticsearch's role descriptor (and the `roles.yml` file) states it. */
export interface RoleDescriptor {
  cluster?: string[];
  indices?: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
}

/** A file-realm user (ECK `auth.fileRealm`). */
export interface ProxyUser {
  username: string;
  password: string;
  roles: string[];
}

/** A request the proxy refused, as Elasticsearch security would have. */
export interface Denial {
  /** The user name sent ('' without credentials). */
  user: string;
  /** The transport action refused; `authenticate` for a 401, `unknown` for an endpoint the proxy cannot map. */
  action: string;
  indices: string[];
  status: 401 | 403;
  method: string;
  /** The URL path, without the query. */
  path: string;
}

export interface EsSecurityProxyOptions {
  /** Plain-HTTP Elasticsearch the allowed requests go to, e.g. `http://127.0.0.1:9200`. */
  upstream: string;
  /** PEM server key and certificate the proxy serves HTTPS with. */
  tls: { key: string; cert: string };
  users: ProxyUser[];
  /** Role name → descriptor; the built-in `superuser` is always there. */
  roles: Record<string, RoleDescriptor>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface EsSecurityProxy {
  /** `https://<host>:<port>` */
  url: string;
  port: number;
  /** Every 401 and 403 the proxy answered (bulk and multi-get items included), oldest first. */
  denials: readonly Denial[];
  close(): Promise<void>;
}
