import type { Logger } from '@meetup/observability';
import type { SimulatorConfig } from './config/simulator.config';
import type { SimulatorMetrics } from './simulator.metrics';
import { MalformedLines } from './sources/malformed-lines';
import { ManifestWriter } from './sources/manifest-writer';
import type { MessageSource, PublishedMessage } from './sources/message-source';
import { ReplaySource } from './sources/replay-source';
import { SyntheticSource } from './sources/synthetic-source';
import { StreamHub } from './stream/stream-hub';
import { StreamServer } from './stream/stream-server';

/** The source, the hub and the stream server, started and stopped together. */
export class Simulator {
  private readonly hub: StreamHub;
  private readonly server: StreamServer;
  private readonly source: MessageSource;
  private readonly malformed: MalformedLines;
  private readonly manifest: ManifestWriter | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  private published = 0;
  private sourceStarted = false;

  constructor(
    private readonly config: SimulatorConfig,
    private readonly metrics: SimulatorMetrics,
    private readonly logger: Logger,
  ) {
    this.hub = new StreamHub(config.stream.replayBufferSize, config.faults, {
      sent: (count) => {
        metrics.sent.inc(count);
      },
      dropped: (reason) => {
        metrics.dropped.inc({ reason });
        logger.info({ reason }, 'client connection dropped');
      },
      attached: (clients) => {
        if (clients >= config.stream.waitForClients) this.startSource();
      },
    });
    this.server = new StreamServer(this.hub, (protocol, query) => {
      metrics.connections.inc({ protocol });
      logger.info({ protocol, query }, 'client connected');
    });
    this.source =
      config.source.kind === 'replay'
        ? new ReplaySource(config.source.replay)
        : new SyntheticSource(config.source.synthetic);
    this.malformed = new MalformedLines(config.faults.malformedRatio);
    this.manifest = config.stream.manifestFile
      ? new ManifestWriter(config.stream.manifestFile)
      : undefined;
  }

  /** The port the stream is served on, once started (STREAM_PORT 0 picks a free one). */
  port: number | undefined;

  /** Serves the stream and starts the source, or waits for the clients it should wait for. */
  async start(): Promise<void> {
    const { port, host, rateLogIntervalMs } = this.config.stream;
    const bound = await this.server.listen(port, host);
    this.port = bound;
    this.logger.info(
      {
        source: this.config.source.kind,
        http: `http://${host}:${bound}/2/rsvps`,
        ws: `ws://${host}:${bound}/2/rsvps`,
        ...(this.config.source.kind === 'replay'
          ? { replay: this.config.source.replay }
          : { synthetic: this.config.source.synthetic }),
        faults: this.config.faults,
      },
      'serving the Meetup stream',
    );
    if (rateLogIntervalMs > 0) this.startRateLog(rateLogIntervalMs);
    const { waitForClients } = this.config.stream;
    if (waitForClients === 0) this.startSource();
    else
      this.logger.info({ waitForClients }, 'the source starts when enough clients are connected');
  }

  /** Starts the source once: at start-up, or when the awaited clients are connected. */
  private startSource(): void {
    if (this.sourceStarted) return;
    this.sourceStarted = true;
    this.source.start(
      (messages) => {
        this.publish(messages);
      },
      () => {
        this.manifest?.flush();
        this.metrics.sourceDone.set(1);
        this.logger.info({ published: this.published }, 'source finished');
      },
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.rateTimer);
    this.source.stop();
    this.manifest?.close();
    await this.server.close();
  }

  private publish(messages: PublishedMessage[]): void {
    const all = this.malformed.inject(messages);
    this.manifest?.record(all);
    this.hub.publish(all);
    this.published += all.length;
    this.metrics.published.inc(all.length);
    this.metrics.malformed.inc(all.length - messages.length);
    this.metrics.clients.set(this.hub.clientCount);
  }

  private startRateLog(intervalMs: number): void {
    let last = this.published;
    this.rateTimer = setInterval(() => {
      const perSecond = Math.round(((this.published - last) * 1_000) / intervalMs);
      last = this.published;
      this.metrics.clients.set(this.hub.clientCount);
      this.logger.info(
        { perSecond, published: this.published, clients: this.hub.clientCount },
        'stream rate',
      );
    }, intervalMs);
  }
}
