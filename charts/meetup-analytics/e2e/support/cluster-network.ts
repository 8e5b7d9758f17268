/**
 * The cluster's names on one machine: every in-cluster address a rendered
 * object mentions (`<service>:<port>`, `<pod>.<service>:<port>`, the
 * operators' bootstrap and HTTP services) is registered with the loopback
 * address that plays it, and text (env values, args, scripts) is rewritten
 * through that table. Unregistered names are left as they are, so a
 * reference to something the local cluster does not run fails visibly.
 */
export class ClusterNetwork {
  private readonly routes = new Map<string, string>();

  constructor(readonly namespace: string) {}

  /** Routes `host:port` (and the host's namespace-qualified forms) to `target` (`127.0.0.1:<port>`). */
  route(host: string, port: number, target: string): void {
    for (const name of this.qualified(host)) this.routes.set(`${name}:${port}`, target);
  }

  /** Where `host:port` goes, if it is routed. */
  resolve(host: string, port: number): string | undefined {
    return this.routes.get(`${host}:${port}`);
  }

  /** Rewrites every routed `host:port` in a text. */
  rewrite(text: string): string {
    if (this.routes.size === 0) return text;
    // Longest names first, so `a.b:1` wins over `b:1`; a match must not continue a longer name.
    const keys = [...this.routes.keys()].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(
      `(?<![\\w.-])(${keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\d])`,
      'g',
    );
    return text.replace(pattern, (match) => this.routes.get(match) ?? match);
  }

  private qualified(host: string): string[] {
    if (host.includes('.') && !host.endsWith('.svc')) {
      // `<pod>.<service>` of a headless service, or an already qualified name.
      return [host, `${host}.${this.namespace}`, `${host}.${this.namespace}.svc`];
    }
    return [
      host,
      `${host}.${this.namespace}`,
      `${host}.${this.namespace}.svc`,
      `${host}.${this.namespace}.svc.cluster.local`,
    ];
  }
}
