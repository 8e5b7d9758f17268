import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Registry } from '@meetup/observability';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
