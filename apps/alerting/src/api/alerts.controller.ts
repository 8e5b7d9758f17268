import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { alertStatuses } from '@meetup/alert-rules';
import { AlertsService } from '../alerts/alerts.service';
import { BearerAuthGuard } from './bearer-auth.guard';
import { parseBody } from './zod-body';

const groupSchema = z.strictObject({ group: z.string().min(1).optional() });
const snoozeSchema = z.strictObject({
  group: z.string().min(1).optional(),
  /** ISO time until which notifications are held; a past time lifts the snooze. */
  until: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }),
});
const listSchema = z.strictObject({
  rule_id: z.string().optional(),
  state: z.enum(alertStatuses).optional(),
});

const GROUP_BODY = { schema: { type: 'object', properties: { group: { type: 'string' } } } };

@ApiTags('alerts')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiQuery({ name: 'rule_id', required: false })
  @ApiQuery({ name: 'state', required: false, enum: alertStatuses })
  async list(@Query() query: unknown) {
    const filter = parseBody(listSchema, query);
    return { alerts: await this.alerts.list({ ruleId: filter.rule_id, status: filter.state }) };
  }

  @Post(':ruleId/_ack')
  @HttpCode(200)
  @ApiBody(GROUP_BODY)
  async ack(@Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { group } = parseBody(groupSchema, body);
    return this.alerts.ack(ruleId, group);
  }

  @Post(':ruleId/_unack')
  @HttpCode(200)
  @ApiBody(GROUP_BODY)
  async unack(@Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { group } = parseBody(groupSchema, body);
    return this.alerts.unack(ruleId, group);
  }

  @Post(':ruleId/_snooze')
  @HttpCode(200)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['until'],
      properties: { group: { type: 'string' }, until: { type: 'string', format: 'date-time' } },
    },
  })
  async snooze(@Param('ruleId') ruleId: string, @Body() body: unknown) {
    const { group, until } = parseBody(snoozeSchema, body);
    return this.alerts.snooze(ruleId, Date.parse(until), group);
  }
}
