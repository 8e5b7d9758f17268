import type { BatchView, EventRow, GroupRow } from '@meetup/console-views';
import { formatAgo, formatDateTime } from '../src/web-logic/format';
import { BatchTable } from './batch-table';
import { byRole, byTestId, el, setStatus, setText, type Child } from './dom';

/** Dashboards 3 and 4: the batch job's top groups and events, and when it last ran. */
export class BatchPanels {
  private readonly groups: BatchTable<GroupRow>;
  private readonly events: BatchTable<EventRow>;

  constructor(
    private readonly groupsRoot: HTMLElement,
    private readonly eventsRoot: HTMLElement,
  ) {
    this.groups = new BatchTable(byTestId(groupsRoot, 'groups-table', HTMLTableElement), {
      idOf: (g) => g.group_id,
      label: 'Group',
      describe: (g) => [g.group_name, detail(g.group_city, g.group_country?.toUpperCase())],
      extra: [{ label: 'Members', value: (g) => g.distinct_members }],
    });
    this.events = new BatchTable(byTestId(eventsRoot, 'events-table', HTMLTableElement), {
      idOf: (e) => e.event_id,
      label: 'Event',
      describe: (e) => [
        eventName(e),
        detail(
          e.group_name,
          e.group_country?.toUpperCase(),
          e.event_time === undefined ? undefined : formatDateTime(e.event_time),
        ),
      ],
    });
  }

  render(view: BatchView, now: number): void {
    this.groups.update(view.groups);
    this.events.update(view.events);
    const lastRun =
      view.lastRunAt === undefined
        ? 'batch has not run yet'
        : `batch last ran at ${formatDateTime(view.lastRunAt)} (${formatAgo(view.lastRunAt, now)})`;
    setText(byTestId(this.groupsRoot, 'batch-last-run'), lastRun);
    setText(byRole(this.eventsRoot, 'last-run'), lastRun);
    setStatus(byRole(this.groupsRoot, 'status'), this.groups.size ? undefined : 'waiting for data');
    setStatus(byRole(this.eventsRoot, 'status'), this.events.size ? undefined : 'waiting for data');
  }
}

function detail(...parts: (string | undefined)[]): HTMLElement {
  return el('span', { class: 'detail', text: parts.filter(Boolean).join(' · ') });
}

/** The event's name, linked to its page when the URL is a web address (never `javascript:`). */
function eventName(e: EventRow): Child {
  const href = webAddress(e.event_url);
  if (href === undefined) return e.event_name;
  return el('a', {
    text: e.event_name,
    attrs: { href, target: '_blank', rel: 'noopener noreferrer' },
  });
}

function webAddress(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const { protocol, href } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? href : undefined;
}
