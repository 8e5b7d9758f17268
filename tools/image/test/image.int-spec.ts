/**
 * The project's image (`make image`, tools/image/build.sh) as the chart runs it: every app
 * started from it with a read-only root, no capabilities, uid 10001 — against the test engines
 * over the host network — answers its probes and does its work; the image holds what that
 * needs and nothing to run besides node (no shell, no package manager, no compiler).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IndexAliases } from '@meetup/contracts';
import {
  freePort,
  testElasticsearch,
  testEngines,
  uniqueName,
  waitFor,
} from '@meetup/test-support';
import { ContainerEngine, envFlags } from './container-engine';

const REPO = resolve(__dirname, '../../..');
const IMAGE = process.env.IMAGE ?? 'meetup-analytics:dev';
const SIZE_BUDGET_BYTES = 250_000_000;
const { version } = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as {
  version: string;
};

interface ImageInfo {
  Size: number;
  Config: { User: string; Entrypoint: string[]; Labels: Record<string, string> };
}

interface CycloneDx {
  bomFormat: string;
  components: { name: string; version: string }[];
}

describe('the image', () => {
  const engine = new ContainerEngine();
  /** Runs `node -e script` in a fresh container of the image and returns what it printed. */
  const nodeInImage = (script: string) =>
    engine.ok(['run', '--rm', '--network=none', IMAGE, '-e', script]);

  beforeAll(async () => {
    if ((await engine.run(['image', 'inspect', IMAGE])).code !== 0) {
      throw new Error(`${IMAGE} is not in ${engine.name}'s store: build it with \`make image\``);
    }
  });

  it('names its source, version and revision, runs node as uid 10001, and stays under 250 MB', async () => {
    const [info] = JSON.parse(await engine.ok(['image', 'inspect', IMAGE])) as ImageInfo[];
    const labels = info?.Config.Labels ?? {};
    expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    expect(labels['org.opencontainers.image.version']).toBe(version);
    expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
    expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(labels['org.opencontainers.image.title']).toBe('meetup-analytics');
    expect(labels['org.opencontainers.image.licenses']).toBe('Apache-2.0');
    expect(info?.Config.User).toBe('10001:10001');
    expect(info?.Config.Entrypoint).toEqual(['/usr/local/bin/node']);
    const size = info?.Size ?? Infinity;
    console.info(`${IMAGE}: ${(size / 1e6).toFixed(1)} MB (${engine.name}), budget 250 MB`);
    expect(size).toBeLessThan(SIZE_BUDGET_BYTES);
  });

  it('carries the SBOM of its production dependencies, the one written beside the build', async () => {
    const inImage = await nodeInImage(
      "process.stdout.write(require('node:fs').readFileSync('/app/sbom.cdx.json'))",
    );
    const sbom = JSON.parse(inImage) as CycloneDx;
    expect(sbom.bomFormat).toBe('CycloneDX');
    const names = sbom.components.map((component) => component.name);
    expect(names).toEqual(
      expect.arrayContaining(['kafkajs', '@elastic/elasticsearch', '@nestjs/core', 'prom-client']),
    );
    // The console page's build-time packages (bundled into apps/console/dist/public) included.
    for (const devOnly of [
      'jest',
      'typescript',
      'eslint',
      '@meetup/test-support',
      'esbuild',
      'echarts',
      'zrender',
      'world-atlas',
      'topojson-client',
    ]) {
      expect(names).not.toContain(devOnly);
    }
    expect(readFileSync(resolve(REPO, 'dist/image/sbom.cdx.json'), 'utf8')).toBe(inImage);
  });

  it('holds the console page as built, without its sources or the packages that built it', async () => {
    const found = JSON.parse(
      await nodeInImage(`
        const fs = require('node:fs');
        const paths = ['apps/console/dist/main.js', 'apps/console/dist/public/index.html',
          'apps/console/web', 'apps/console/build-web.mjs', 'node_modules/echarts',
          'node_modules/esbuild', 'node_modules/world-atlas', 'node_modules/topojson-client'];
        console.log(JSON.stringify(Object.fromEntries(paths.map((p) => [p, fs.existsSync('/app/' + p)]))));`),
    ) as Record<string, boolean>;
    expect(found).toEqual({
      'apps/console/dist/main.js': true,
      'apps/console/dist/public/index.html': true,
      'apps/console/web': false,
      'apps/console/build-web.mjs': false,
      'node_modules/echarts': false,
      'node_modules/esbuild': false,
      'node_modules/world-atlas': false,
      'node_modules/topojson-client': false,
    });
  });

  it('has node as its only program: no shell, package manager or compiler', async () => {
    const found = JSON.parse(
      await nodeInImage(`
        const fs = require('node:fs');
        const dirs = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
        const programs = dirs.flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => dir + '/' + f) : []));
        const toolchain = ['/usr/lib/gcc', '/usr/libexec/gcc', '/usr/include/stdio.h', '/usr/local/lib/node_modules/npm'];
        console.log(JSON.stringify({ programs, toolchain: toolchain.filter((p) => fs.existsSync(p)) }));`),
    ) as { programs: string[]; toolchain: string[] };
    expect(found).toEqual({ programs: ['/usr/local/bin/node'], toolchain: [] });
    const shell = await engine.run([
      'run',
      '--rm',
      '--network=none',
      '--entrypoint',
      '/bin/sh',
      IMAGE,
      '-c',
      'true',
    ]);
    expect(shell.code).not.toBe(0);
  });

  describe('each app run from it as the chart runs it', () => {
    const name = uniqueName('image');
    const prefix = `${name}-`;
    const topics = {
      RSVP_TOPIC: `${name}-rsvps`,
      DLQ_TOPIC: `${name}-dlq`,
      CHECKPOINT_TOPIC: `${name}-checkpoints`,
    };
    const engines = {
      KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
      ES_URL: testEngines().elasticsearchUrl,
    };
    const services = new Map<string, { container: string; baseUrl: string }>();
    const es = testElasticsearch();

    /** Runs a one-shot app (bootstrap, batch) to its end; its exit code and output. */
    async function runOnce(app: string, env: Record<string, string>, args: string[] = []) {
      const result = await engine.run([
        'run',
        '--rm',
        ...engine.hardened(),
        ...envFlags(env),
        IMAGE,
        `apps/${app}/dist/main.js`,
        ...args,
      ]);
      return { code: result.code, output: result.stdout + result.stderr };
    }

    async function start(app: string, env: Record<string, string>): Promise<void> {
      const port = await freePort();
      const container = `${name}-${app}`;
      await engine.ok([
        'run',
        '--detach',
        '--name',
        container,
        ...engine.hardened(),
        ...envFlags({ HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ...env }),
        IMAGE,
        `apps/${app}/dist/main.js`,
      ]);
      services.set(app, { container, baseUrl: `http://127.0.0.1:${port}` });
    }

    /** What every container said, for a failure's message. */
    async function allLogs(): Promise<string> {
      const logs = await Promise.all(
        [...services.values()].map(
          async ({ container }) =>
            `--- ${container}\n${(await engine.logs(container)).slice(-4000)}`,
        ),
      );
      return logs.join('\n');
    }

    /** waitFor, whose time-out also says what every container logged. */
    async function waitWithLogs(check: () => Promise<boolean>, what: string, timeoutMs: number) {
      try {
        await waitFor(check, what, timeoutMs);
      } catch (error: unknown) {
        throw new Error(`${String(error)}\n${await allLogs()}`, { cause: error });
      }
    }

    beforeAll(async () => {
      const bootstrap = await runOnce('bootstrap', {
        ...engines,
        ...topics,
        INDEX_PREFIX: prefix,
        KAFKA_TOPICS_CREATE: 'true',
        RSVP_TOPIC_PARTITIONS: '2',
      });
      if (bootstrap.code !== 0) {
        throw new Error(
          `the bootstrap from the image exited ${bootstrap.code}:\n${bootstrap.output}`,
        );
      }
      const streamPort = await freePort();
      await start('simulator', {
        STREAM_HOST: '127.0.0.1',
        STREAM_PORT: String(streamPort),
        SYNTHETIC_RATE: '50',
      });
      await start('ingestor', {
        KAFKA_BROKERS: engines.KAFKA_BROKERS,
        ...topics,
        KAFKA_TOPICS_CREATE: 'false',
        SOURCES: `sim=ws://127.0.0.1:${streamPort}/2/rsvps`,
      });
      await start('aggregator', {
        ...engines,
        RSVP_TOPIC: topics.RSVP_TOPIC,
        DLQ_TOPIC: topics.DLQ_TOPIC,
        CONSUMER_GROUP: `${name}-aggregator`,
        INDEX_PREFIX: prefix,
      });
      await start('alerting', {
        ES_URL: engines.ES_URL,
        ALERTING_INDEX_PREFIX: prefix,
        ALERTING_API_TOKEN: 'image-test-token-0123456789',
      });
      await start('console', {
        ...engines,
        INDEX_PREFIX: prefix,
        RSVP_TOPIC: topics.RSVP_TOPIC,
        DLQ_TOPIC: topics.DLQ_TOPIC,
        AGGREGATOR_CONSUMER_GROUP: `${name}-aggregator`,
      });
    });

    afterAll(async () => {
      await es.close();
      await Promise.all(
        [...services.values()].map(({ container }) => engine.run(['rm', '--force', container])),
      );
    });

    it('every service answers ready and serves its process metrics', async () => {
      for (const [app, { baseUrl }] of services) {
        let status = 0;
        const ready = async () => {
          status = await fetch(`${baseUrl}/health/ready`).then(
            (r) => r.status,
            () => 0,
          );
          return status === 200;
        };
        await waitWithLogs(ready, `${app} ready`, 90_000);
        expect({ app, status }).toEqual({ app, status: 200 });
        const metrics = await fetch(`${baseUrl}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/^process_cpu_seconds_total[{ ]/m);
      }
    });

    it('serves the console page and every asset it names, under a strict Content-Security-Policy', async () => {
      const baseUrl = services.get('console')?.baseUrl ?? '';
      const page = await fetch(`${baseUrl}/`);
      const policy = page.headers.get('content-security-policy') ?? '';
      expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({
        status: 200,
        type: expect.stringMatching(/^text\/html/) as unknown,
      });
      expect(policy).toContain("default-src 'self'");
      expect(policy).not.toContain('unsafe-');
      // The bundle the page loads (script, stylesheet, icon) is in the image, not only its HTML.
      const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
        (match) => match[1] ?? '',
      );
      expect(assets).toEqual(expect.arrayContaining([expect.stringMatching(/\.js$/)]));
      for (const asset of assets) {
        const status = await fetch(`${baseUrl}${asset}`).then((r) => r.status);
        expect({ asset, status }).toEqual({ asset, status: 200 });
      }
    });

    it('carries the stream through the ingestor, Kafka and the aggregator into Elasticsearch', async () => {
      const index = prefix + IndexAliases.rsvps;
      let count = 0;
      const indexed = async () => {
        await es.indices.refresh({ index }).catch(() => undefined);
        ({ count } = await es.count({ index }).catch(() => ({ count: 0 })));
        return count > 0;
      };
      await waitWithLogs(indexed, `documents in ${index}`, 120_000);
      expect(count).toBeGreaterThan(0);
    });

    it('runs the batch job to completion on what the aggregator wrote', async () => {
      const batch = await runOnce('batch', { ES_URL: engines.ES_URL, INDEX_PREFIX: prefix });
      // On failure the received object shows the batch job's output.
      expect(batch).toMatchObject({ code: 0 });
    });

    it('runs every service as uid 10001 without capabilities, and nothing is written outside /tmp', async () => {
      for (const { container } of services.values()) {
        const seen = JSON.parse(
          await engine.ok([
            'exec',
            container,
            '/usr/local/bin/node',
            '-e',
            `const fs = require('node:fs');
             const status = fs.readFileSync('/proc/1/status', 'utf8');
             const field = (name) => status.match(new RegExp('^' + name + ':\\\\s+(.*)$', 'm'))[1].split(/\\s+/)[0];
             const write = (path) => { try { fs.writeFileSync(path, 'x'); fs.rmSync(path); return 'written'; } catch (e) { return e.code; } };
             console.log(JSON.stringify({ uid: field('Uid'), capabilities: field('CapEff'), noNewPrivileges: field('NoNewPrivs'),
               root: write('/probe'), app: write('/app/probe'), tmp: write('/tmp/probe') }));`,
          ]),
        ) as Record<string, string>;
        expect(seen).toEqual({
          uid: '10001',
          capabilities: '0000000000000000',
          noNewPrivileges: '1',
          root: 'EROFS',
          app: 'EROFS',
          tmp: 'written',
        });
        // The engine's own mount points (hosts, resolv.conf, /tmp) are all it may have added.
        const changed = (await engine.ok(['diff', container]))
          .split('\n')
          .map((line) => line.trim().split(/\s+/)[1])
          .filter((path): path is string => path !== undefined && path !== '');
        const engineMounts = [
          '/etc',
          '/etc/hosts',
          '/etc/hostname',
          '/etc/resolv.conf',
          '/run',
          '/run/.containerenv',
          '/tmp',
        ];
        expect(changed.filter((path) => !engineMounts.includes(path))).toEqual([]);
      }
    });
  });
});
