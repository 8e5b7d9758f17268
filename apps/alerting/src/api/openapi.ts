import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { ruleSchema } from '@meetup/alert-rules';

/** Serves the OpenAPI document at /openapi.json (and a browsable page at /docs). */
export function serveOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('meetup-analytics alerting')
    .setDescription(
      'Watcher-style rules over Elasticsearch that notify webhooks once per state change',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    Rule: z.toJSONSchema(ruleSchema, { io: 'input', unrepresentable: 'any' }) as never,
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}
