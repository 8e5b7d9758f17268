import type { K8sObject } from '../../tests/support/helm';
import { podNames, releaseModel } from './release-model';

const object = (kind: string, name: string, rest: Partial<K8sObject> = {}): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
  ...rest,
});

const podTemplate = (component: string) => ({
  metadata: { labels: { 'app.kubernetes.io/component': component } },
  spec: {
    containers: [
      { name: component, image: 'meetup-analytics:dev', args: [`apps/${component}/dist/main.js`] },
    ],
  },
});

describe('the model of a rendered release', () => {
  it('reads KafkaUsers as the ACL bindings Strimzi makes, with its defaults', () => {
    const model = releaseModel([
      object('KafkaUser', 'm-ingestor', {
        spec: {
          authentication: { type: 'scram-sha-512' },
          authorization: {
            type: 'simple',
            acls: [
              {
                resource: { type: 'topic', name: 'rsvps', patternType: 'literal' },
                operations: ['Write', 'Describe'],
              },
              {
                resource: { type: 'group', name: 'reader-', patternType: 'prefix' },
                operation: 'Read',
              },
              { resource: { type: 'cluster' }, operations: ['IdempotentWrite'] },
            ],
          },
        },
      }),
    ]);
    expect(model.users).toEqual([
      {
        name: 'm-ingestor',
        authentication: 'scram-sha-512',
        acls: [
          {
            resourceType: 'topic',
            name: 'rsvps',
            patternType: 'literal',
            operations: ['Write', 'Describe'],
            host: '*',
            type: 'allow',
          },
          {
            resourceType: 'group',
            name: 'reader-',
            patternType: 'prefix',
            operations: ['Read'],
            host: '*',
            type: 'allow',
          },
          {
            resourceType: 'cluster',
            name: 'kafka-cluster',
            patternType: 'literal',
            operations: ['IdempotentWrite'],
            host: '*',
            type: 'allow',
          },
        ],
      },
    ]);
  });

  it('reads KafkaTopics by their topicName, and Secrets from data and stringData', () => {
    const model = releaseModel([
      object('KafkaTopic', 'm-rsvps', {
        spec: {
          topicName: 'meetup.rsvps',
          partitions: 6,
          replicas: 3,
          config: { 'min.insync.replicas': 2 },
        },
      }),
      object('Secret', 'token', {
        data: { token: Buffer.from('abc').toString('base64') },
        stringData: { extra: 'x' },
      }),
    ]);
    expect(model.topics).toEqual([
      { name: 'meetup.rsvps', partitions: 6, replicas: 3, config: { 'min.insync.replicas': '2' } },
    ]);
    expect(model.secrets.get('token')).toEqual({ token: 'abc', extra: 'x' });
  });

  it('starts an autoscaled Deployment at its autoscaler minimum, and a StatefulSet with ordinal pod names', () => {
    const model = releaseModel([
      object('Deployment', 'm-aggregator', {
        spec: { replicas: 1, template: podTemplate('aggregator') },
      }),
      object('HorizontalPodAutoscaler', 'm-aggregator', {
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'm-aggregator' }, minReplicas: 3 },
      }),
      object('StatefulSet', 'm-ingestor', {
        spec: { replicas: 2, template: podTemplate('ingestor') },
      }),
    ]);
    const [aggregator, ingestor] = model.workloads;
    expect(aggregator).toMatchObject({ kind: 'Deployment', replicas: 3, hooks: [] });
    expect(aggregator?.template.restartPolicy).toBe('Always');
    expect(ingestor && podNames(ingestor)).toEqual(['m-ingestor-0', 'm-ingestor-1']);
  });

  it('reads hook Jobs and CronJob templates with their restart policy and backoff limit', () => {
    const model = releaseModel([
      object('Job', 'm-import', {
        metadata: {
          name: 'm-import',
          annotations: { 'helm.sh/hook': 'post-install,post-upgrade', 'helm.sh/hook-weight': '10' },
        },
        spec: {
          backoffLimit: 2,
          template: {
            ...podTemplate('import'),
            spec: { ...podTemplate('import').spec, restartPolicy: 'OnFailure' },
          },
        },
      }),
      object('CronJob', 'm-batch', {
        spec: {
          jobTemplate: {
            spec: {
              backoffLimit: 1,
              template: {
                ...podTemplate('batch'),
                spec: { ...podTemplate('batch').spec, restartPolicy: 'Never' },
              },
            },
          },
        },
      }),
    ]);
    expect(
      model.workloads.map((w) => [
        w.kind,
        w.hooks,
        w.hookWeight,
        w.backoffLimit,
        w.template.restartPolicy,
      ]),
    ).toEqual([
      ['Job', ['post-install', 'post-upgrade'], 10, 2, 'OnFailure'],
      ['CronJob', [], 0, 1, 'Never'],
    ]);
  });
});
