import { errors } from '@elastic/elasticsearch';
import { describeElasticsearchFailure, urlWithoutCredentials } from './elasticsearch-failure';

function response(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

const context = { url: 'https://meetup-es-http:9200', username: 'meetup-alerting' };

describe('describing an Elasticsearch failure', () => {
  it('names ES_USERNAME and ES_PASSWORD when the credentials are refused', () => {
    const failure = describeElasticsearchFailure(
      response(401, {
        error: {
          type: 'security_exception',
          reason:
            'unable to authenticate user [meetup-alerting] for REST request [/_cluster/health]',
        },
        status: 401,
      }),
      context,
    );
    expect(failure).toMatchObject({
      dependency: 'elasticsearch',
      kind: 'authentication',
      message: 'elasticsearch authentication failed',
      fields: {
        variables: ['ES_USERNAME', 'ES_PASSWORD'],
        user: 'meetup-alerting',
        statusCode: 401,
      },
    });
    expect(failure.reason).toBe(
      'Elasticsearch (https://meetup-es-http:9200) refused user "meetup-alerting" (401): check ES_USERNAME and ES_PASSWORD',
    );
  });

  it('gives the reason Elasticsearch states for a denial: action, user and indices', () => {
    const reason =
      'action [indices:data/read/search] is unauthorized for user [meetup-alerting] with effective roles [meetup-alerting] on indices [meetup_alert_rules], this action is granted by the index privileges [read,all]';
    const failure = describeElasticsearchFailure(
      response(403, { error: { type: 'security_exception', reason }, status: 403 }),
      context,
    );
    expect(failure).toMatchObject({
      kind: 'authorization',
      message: 'elasticsearch authorization denied',
    });
    expect(failure.reason).toBe(`Elasticsearch denied the request (403): ${reason}`);
  });

  it('names ES_CA_FILE when the cluster certificate does not verify', () => {
    const failure = describeElasticsearchFailure(
      new errors.ConnectionError('self-signed certificate in certificate chain'),
      context,
    );
    expect(failure).toMatchObject({
      kind: 'tls',
      message: 'elasticsearch tls verification failed',
      fields: { variables: ['ES_CA_FILE'] },
    });
  });

  it('calls a cluster that does not answer or is not up yet unavailable', () => {
    expect(
      describeElasticsearchFailure(new errors.ConnectionError('connect ECONNREFUSED'), context)
        .kind,
    ).toBe('unavailable');
    expect(describeElasticsearchFailure(new errors.TimeoutError('Request timed out')).kind).toBe(
      'unavailable',
    );
    expect(
      describeElasticsearchFailure(response(503, { error: 'master_not_discovered' })).kind,
    ).toBe('unavailable');
  });

  it('keeps the reason of other answers', () => {
    const failure = describeElasticsearchFailure(
      response(404, {
        error: { type: 'index_not_found_exception', reason: 'no such index [meetup_alert_rules]' },
      }),
    );
    expect(failure.kind).toBe('other');
    expect(failure.reason).toContain('no such index [meetup_alert_rules]');
  });

  it('never repeats credentials carried in ES_URL', () => {
    const failure = describeElasticsearchFailure(response(401, {}), {
      url: 'https://elastic:s3cret-value@meetup-es-http:9200/',
    });
    expect(JSON.stringify(failure)).not.toContain('s3cret-value');
    expect(urlWithoutCredentials('https://elastic:pw@es:9200')).toBe('https://es:9200');
  });
});
