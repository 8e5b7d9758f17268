import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { inputSchema, type Rule } from '@meetup/alert-rules';
import { renderBody } from '@meetup/webhook-delivery';
import { RuleRunner } from '../engine/rule-runner';
import { redactRule } from '../rules/rule-validation';
import { RulesService } from '../rules/rules.service';
import type { StoredRule } from '../store/rule-store';
import { BearerAuthGuard } from './bearer-auth.guard';
import { parseBody } from './zod-body';

const RULE_REF = { $ref: '#/components/schemas/Rule' };

const executeSchema = z.strictObject({
  /** Replaces the rule's input for this run. */
  input: inputSchema.optional(),
  /** Record state and history and send notifications, as a scheduled run does. */
  record: z.boolean().default(false),
});

function shown(stored: StoredRule) {
  return {
    ...redactRule(stored.rule),
    origin: stored.origin,
    created_at: stored.created_at,
    updated_at: stored.updated_at,
  };
}

@ApiTags('rules')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly runner: RuleRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List rules; `origin` says whether a rule came from a file or the API' })
  async list() {
    return { rules: (await this.rules.list()).map(shown) };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return shown(await this.rules.get(id));
  }

  @Post()
  @ApiBody({ schema: RULE_REF })
  async create(@Body() body: unknown) {
    return shown(await this.rules.create(body));
  }

  @Put(':id')
  @ApiBody({ schema: RULE_REF })
  async replace(@Param('id') id: string, @Body() body: unknown) {
    return shown(await this.rules.replace(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string) {
    await this.rules.delete(id);
  }

  @Post(':id/_execute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry-run: evaluate now; actions are simulated unless `record` is true' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { input: { type: 'object' }, record: { type: 'boolean', default: false } },
    },
  })
  async execute(@Param('id') id: string, @Body() body: unknown) {
    const options = parseBody(executeSchema, body);
    const stored = await this.rules.get(id);
    const rule: Rule = options.input ? { ...stored.rule, input: options.input } : stored.rule;
    const result = options.record ? await this.runner.run(rule) : await this.runner.simulate(rule);
    return {
      rule_id: rule.id,
      recorded: options.record,
      hits: result.hits,
      latency_ms: Math.round(result.latencyMs),
      groups: result.evaluation.verdicts,
      transitions: result.evaluation.transitions,
      notifications: result.notifications.map((n) => ({
        idempotency_key: n.key,
        action_id: n.action_id,
        kind: n.kind,
        group: n.group,
        simulated: !options.record,
        request: simulatedRequest(rule, n.action_id, n.view),
      })),
    };
  }
}

function simulatedRequest(rule: Rule, actionId: string, view: object) {
  const action = redactRule(rule).actions.find((a) => a.id === actionId);
  if (action?.type !== 'webhook') return undefined;
  return {
    method: action.method,
    url: action.url,
    headers: action.headers,
    body: renderBody(action.body, view),
  };
}
