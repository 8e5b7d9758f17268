import { IndexAliases } from '@meetup/contracts';

/** The aliases the service uses, under its configured prefix. */
export interface AlertingIndices {
  rules: string;
  history: string;
  state: string;
  outbox: string;
  leases: string;
  /** Default input of trending rules. */
  trending: string;
}

export function alertingIndices(prefix: string): AlertingIndices {
  return {
    rules: prefix + IndexAliases.alertRules,
    history: prefix + IndexAliases.alertHistory,
    state: prefix + IndexAliases.alertState,
    outbox: prefix + IndexAliases.alertOutbox,
    leases: prefix + IndexAliases.alertLeases,
    trending: prefix + IndexAliases.globalTrendingTopics,
  };
}
