import { profiles, render, renderError, type K8sObject } from './support/helm';
import { envOf, podTemplateOf, type Container } from './support/pods';

const MiB = 1024 * 1024;
const nodeApps = [
  'aggregator',
  'alerting',
  'batch',
  'bootstrap',
  'console',
  'ingestor',
  'simulator',
];

/** The containers that run an app of the image under node (args `apps/<app>/dist/main.js`). */
function nodeContainers(objects: K8sObject[]): Map<string, Container> {
  const found = new Map<string, Container>();
  for (const object of objects) {
    const spec = podTemplateOf(object)?.spec;
    for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      const app = /^apps\/([^/]+)\/dist\/main\.js$/.exec(container.args?.[0] ?? '')?.[1];
      if (app) found.set(app, container);
    }
  }
  return found;
}

const nodeOptions = (objects: K8sObject[], app: string) => {
  const container = nodeContainers(objects).get(app);
  if (!container) throw new Error(`no node container runs ${app}`);
  return (container.env ?? []).filter((e) => e.name === 'NODE_OPTIONS').map((e) => e.value);
};

/** Bytes of the quantities the profiles use; the chart's own parser is tested on its output. */
function limitBytes(quantity: string | number): number {
  const match = /^(\d+)(Mi|Gi)?$/.exec(String(quantity));
  if (!match) throw new Error(`the test reads only plain, Mi and Gi quantities, not ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 * MiB : match[2] === 'Mi' ? MiB : 1);
}

const aggregatorLimit = (memory: string | number) =>
  nodeOptions(
    render({ values: { aggregator: { resources: { limits: { memory } } } } }),
    'aggregator',
  );

describe('the V8 heap cap of Node containers', () => {
  it.each(profiles)(
    'caps the old space of every Node container of the %s profile at 75 %% of its memory limit',
    (profile) => {
      const containers = nodeContainers(render({ profile }));
      expect([...containers.keys()].sort()).toEqual(
        profile === 'kind' ? nodeApps : nodeApps.filter((a) => a !== 'simulator'),
      );
      for (const [app, container] of containers) {
        const limit = container.resources?.limits?.memory;
        if (limit === undefined) throw new Error(`${app} has no memory limit in ${profile}`);
        const cap = Math.floor((limitBytes(limit) * 0.75) / MiB);
        expect({ app, NODE_OPTIONS: envOf(container).get('NODE_OPTIONS')?.value }).toEqual({
          app,
          NODE_OPTIONS: `--max-old-space-size=${cap}`,
        });
      }
    },
  );

  it('gives the default components their caps: 256Mi → 192, 384Mi → 288, 768Mi → 576', () => {
    const objects = render({ profile: 'kind' });
    const caps = Object.fromEntries(nodeApps.map((app) => [app, nodeOptions(objects, app)]));
    expect(caps).toEqual({
      aggregator: ['--max-old-space-size=576'],
      alerting: ['--max-old-space-size=192'],
      batch: ['--max-old-space-size=576'],
      bootstrap: ['--max-old-space-size=192'],
      console: ['--max-old-space-size=192'],
      ingestor: ['--max-old-space-size=288'],
      simulator: ['--max-old-space-size=192'],
    });
  });

  it.each([
    ['512Mi', 384],
    ['1Gi', 768],
    ['0.5Gi', 384],
    ['524288Ki', 384],
    ['536870912', 384],
    [536870912, 384],
    ['1G', 715],
    ['500M', 357],
    ['500000K', 357],
    ['500000k', 357],
    ['5e8', 357],
  ])('reads the memory limit %p as a Kubernetes quantity (cap %d MiB)', (memory, cap) => {
    expect(aggregatorLimit(memory)).toEqual([`--max-old-space-size=${cap}`]);
  });

  it('takes the global percentage, and a component percentage over it', () => {
    const objects = render({
      values: { nodeHeap: { percent: 50 }, aggregator: { nodeHeap: { percent: 60 } } },
    });
    expect(nodeOptions(objects, 'ingestor')).toEqual(['--max-old-space-size=192']);
    expect(nodeOptions(objects, 'aggregator')).toEqual(['--max-old-space-size=460']);
  });

  it('uses a component maxOldSpaceMiB whatever the limit, even with none', () => {
    const objects = render({
      values: {
        batch: { nodeHeap: { maxOldSpaceMiB: 450 } },
        bootstrap: { nodeHeap: { maxOldSpaceMiB: 100 }, resources: { limits: { memory: null } } },
      },
    });
    expect(nodeOptions(objects, 'batch')).toEqual(['--max-old-space-size=450']);
    expect(nodeOptions(objects, 'bootstrap')).toEqual(['--max-old-space-size=100']);
  });

  it('leaves NODE_OPTIONS set in a component env to the user, as the only entry', () => {
    const own = { name: 'NODE_OPTIONS', value: '--max-old-space-size=200 --enable-source-maps' };
    const objects = render({
      values: {
        aggregator: { env: [own], nodeHeap: { maxOldSpaceMiB: 300 } },
        bootstrap: { env: [own] },
      },
    });
    expect(nodeOptions(objects, 'aggregator')).toEqual([own.value]);
    expect(nodeOptions(objects, 'bootstrap')).toEqual([own.value]);
    expect(nodeOptions(objects, 'batch')).toEqual(['--max-old-space-size=576']);
  });

  it('sets no cap on a container without a memory limit', () => {
    const objects = render({ values: { ingestor: { resources: { limits: { memory: null } } } } });
    expect(nodeOptions(objects, 'ingestor')).toEqual([]);
    expect(nodeOptions(objects, 'aggregator')).toEqual(['--max-old-space-size=576']);
  });

  it.each(['512Mb', 'lots', '1.5.0Gi', '-512Mi'])(
    'fails the render naming the value when the memory limit %p is no quantity',
    (memory) => {
      expect(
        renderError({ values: { alerting: { resources: { limits: { memory } } } } }),
      ).toContain(
        `alerting.resources.limits.memory: "${memory}" is not a Kubernetes memory quantity`,
      );
    },
  );

  it('fails the render when the limit leaves less than 1 MiB of heap', () => {
    expect(
      renderError({ values: { batch: { resources: { limits: { memory: '1Mi' } } } } }),
    ).toContain('batch.resources.limits.memory (1Mi) at 75% leaves no Node heap');
  });

  it('refuses a percentage outside 1..100', () => {
    expect(renderError({ values: { nodeHeap: { percent: 0 } } })).toContain(
      "at '/nodeHeap/percent': minimum",
    );
    expect(renderError({ values: { simulator: { nodeHeap: { percent: 101 } } } })).toContain(
      "at '/simulator/nodeHeap/percent': maximum",
    );
  });
});
