import type { HealthView } from '@meetup/console-views';
import { formatAgo, formatCount, formatRate, UNKNOWN } from '../src/web-logic/format';
import { byTestId, setText } from './dom';

/** Pipeline health: how fast RSVPs come in, how far the aggregator lags, what fails. */
export class HealthPanel {
  constructor(private readonly root: HTMLElement) {}

  render(view: HealthView, now: number): void {
    const field = (id: string): HTMLElement => byTestId(this.root, id);
    setText(field('health-ingest'), formatRate(view.ingestPerSecond));
    setText(
      field('health-lag'),
      view.consumerLag === undefined ? UNKNOWN : formatCount(view.consumerLag),
    );
    setText(field('health-dlq'), formatRate(view.dlqPerSecond));
    setText(
      field('health-batch'),
      view.lastBatchRunAt === undefined ? 'never' : formatAgo(view.lastBatchRunAt, now),
    );
    for (const [id, state] of [
      ['health-es', view.elasticsearch],
      ['health-kafka', view.kafka],
    ] as const) {
      setText(field(id), state);
      field(id).dataset.state = state;
    }
  }
}
