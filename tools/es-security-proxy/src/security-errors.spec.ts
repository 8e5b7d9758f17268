import { Role } from './role';
import {
  actionDeniedReason,
  authenticationFailure,
  forbidden,
  unknownEndpointReason,
} from './security-errors';

const role = (names: string[], notFound: string[] = []): Role => new Role(names, notFound, []);

describe('Elasticsearch security errors', () => {
  it('answers unknown credentials with the 401 body and Basic challenge of Elasticsearch', () => {
    expect(authenticationFailure('/rsvps/_search?size=0', 'aggregator')).toEqual({
      error: {
        root_cause: [
          {
            type: 'security_exception',
            reason:
              'unable to authenticate user [aggregator] for REST request [/rsvps/_search?size=0]',
            header: { 'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"'] },
          },
        ],
        type: 'security_exception',
        reason: 'unable to authenticate user [aggregator] for REST request [/rsvps/_search?size=0]',
        header: { 'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"'] },
      },
      status: 401,
    });
  });

  it('says credentials are missing when there are none', () => {
    expect(authenticationFailure('/').error.reason).toBe(
      'missing authentication credentials for REST request [/]',
    );
  });

  it('words an index denial with the effective roles, the indices and the granting privileges', () => {
    const reason = actionDeniedReason('batch', role(['r1', 'r2']), 'indices:data/read/search', [
      'idx',
    ]);
    expect(reason).toBe(
      'action [indices:data/read/search] is unauthorized for user [batch] with effective roles [r1,r2] ' +
        'on indices [idx], this action is granted by the index privileges [read,all]',
    );
    expect(forbidden(reason)).toEqual({
      error: {
        root_cause: [{ type: 'security_exception', reason }],
        type: 'security_exception',
        reason,
      },
      status: 403,
    });
  });

  it('words a cluster denial with the granting cluster privileges', () => {
    expect(actionDeniedReason('ingestor', role(['writer']), 'cluster:monitor/health')).toBe(
      'action [cluster:monitor/health] is unauthorized for user [ingestor] with effective roles [writer], ' +
        'this action is granted by the cluster privileges [monitor,manage,all]',
    );
  });

  it('names the assigned roles that do not exist', () => {
    expect(actionDeniedReason('u', role([], ['ghost']), 'indices:data/write/bulk')).toBe(
      'action [indices:data/write/bulk] is unauthorized for user [u] with effective roles [] ' +
        '(assigned roles [ghost] were not found), this action is granted by the index privileges ' +
        '[create_doc,create,delete,index,write,all]',
    );
  });

  it('names restricted indices apart', () => {
    expect(
      actionDeniedReason('u', role(['r']), 'indices:admin/get', ['a', '.security-7']),
    ).toContain(
      'on indices [a] and restricted indices [.security-7], this action is granted by the index privileges [view_index_metadata,manage,all]',
    );
  });

  it('says an endpoint it does not know is denied on purpose', () => {
    expect(unknownEndpointReason('POST', '/_sql')).toMatch(
      /^es-security-proxy does not know the endpoint \[POST \/_sql\] and denies it/,
    );
  });
});
