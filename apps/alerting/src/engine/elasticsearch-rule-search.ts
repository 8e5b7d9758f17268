import type { Client } from '@elastic/elasticsearch';
import type { SearchRequest } from '@meetup/alert-rules';
import type { RuleSearcher } from './rule-runner';

/** A rule's search in Elasticsearch: an input index that does not exist (yet) answers no hits. */
export class ElasticsearchRuleSearch implements RuleSearcher {
  constructor(private readonly es: Client) {}

  search(request: SearchRequest): Promise<unknown> {
    return this.es.search({
      index: request.index,
      ignore_unavailable: true,
      allow_no_indices: true,
      ...request.body,
    });
  }
}
