import type { K8sObject } from './helm';

type Labels = Record<string, string>;
interface Peer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { port: number; protocol?: string }[];
}
interface PolicySpec {
  podSelector: { matchLabels?: Labels };
  policyTypes: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** A pod of the rendered release (same namespace) or outside it. */
export interface Endpoint {
  labels: Labels;
  /** Another namespace, or an address outside the cluster. */
  external?: boolean;
}

const matches = (selector: Labels | undefined, labels: Labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

function peerAdmits(peer: Peer, other: Endpoint): boolean {
  if (peer.ipBlock) return other.external === true;
  if (peer.namespaceSelector) return matches(peer.podSelector?.matchLabels, other.labels);
  return other.external !== true && matches(peer.podSelector?.matchLabels, other.labels);
}

function ruleAdmits(rule: Rule, peers: Peer[] | undefined, other: Endpoint, port: number): boolean {
  const portOk = !rule.ports || rule.ports.some((p) => p.port === port);
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerAdmits(p, other));
  return portOk && peerOk;
}

/**
 * Whether NetworkPolicy semantics let `from` open a TCP connection to `to`:`port` — the
 * egress side of `from`'s policies and the ingress side of `to`'s (isolated only when selected).
 */
export function canConnect(
  policies: K8sObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
): boolean {
  const specs = policies.map((p) => p.spec as unknown as PolicySpec);
  const side = (pod: Endpoint, type: 'Egress' | 'Ingress', peer: Endpoint) => {
    if (pod.external) return true;
    const selecting = specs.filter(
      (s) => matches(s.podSelector.matchLabels, pod.labels) && s.policyTypes.includes(type),
    );
    if (selecting.length === 0) return true;
    return selecting.some((s) =>
      (type === 'Egress' ? s.egress : s.ingress)?.some((r) =>
        ruleAdmits(r, type === 'Egress' ? r.to : r.from, peer, port),
      ),
    );
  };
  return side(from, 'Egress', to) && side(to, 'Ingress', from);
}
