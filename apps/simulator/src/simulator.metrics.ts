import { Counter, Gauge, type Registry } from '@meetup/observability';

export function createSimulatorMetrics(registry: Registry) {
  return {
    published: new Counter({
      name: 'meetup_simulator_messages_published_total',
      help: 'Messages the source published into the stream (malformed ones included)',
      registers: [registry],
    }),
    malformed: new Counter({
      name: 'meetup_simulator_malformed_published_total',
      help: 'Deliberately malformed lines injected into the stream',
      registers: [registry],
    }),
    sent: new Counter({
      name: 'meetup_simulator_messages_sent_total',
      help: 'Messages written to clients, replays included',
      registers: [registry],
    }),
    connections: new Counter({
      name: 'meetup_simulator_connections_total',
      help: 'Client connections accepted',
      labelNames: ['protocol'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'meetup_simulator_connections_dropped_total',
      help: 'Connections the simulator closed: fault injection, or a client too far behind',
      labelNames: ['reason'],
      registers: [registry],
    }),
    clients: new Gauge({
      name: 'meetup_simulator_clients',
      help: 'Connected clients',
      registers: [registry],
    }),
    sourceDone: new Gauge({
      name: 'meetup_simulator_source_done',
      help: '1 once a finite source has published everything (and the manifest is written)',
      registers: [registry],
    }),
  };
}

export type SimulatorMetrics = ReturnType<typeof createSimulatorMetrics>;
