import { Module, type DynamicModule } from '@nestjs/common';
import { BATCH_DEPS, type BatchDeps } from './job/batch-deps';
import { BatchJob } from './job/batch.job';

/** Per-group and per-event statistics computed inside Elasticsearch (a standalone application). */
@Module({})
export class BatchModule {
  static forRoot(deps: BatchDeps): DynamicModule {
    return {
      module: BatchModule,
      providers: [{ provide: BATCH_DEPS, useValue: deps }, BatchJob],
      exports: [BatchJob],
    };
  }
}
