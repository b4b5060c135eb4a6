import { Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Inject } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CalendarStore, CalendarValidationError } from '../../../activities/calendar/calendar-store';
import { workflowsWithDeadlinesFrom } from '../../../activities/deadlines/deadline-activities';
import { calendarChangedSignal } from '../../../workflows/deadlines/working-day-deadline';
import { TEMPORAL_CLIENT } from '../core/runtime';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { addWorkingDays, CalendarError, yearsSpanned } from '../../../workflows/calendar';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { badRequest, notFound } from '../common/errors';

export class DeadlineQueryDto {
  @ApiProperty({ description: 'Receipt instant (ISO 8601), e.g. 2026-09-30T09:00:00+08:00' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ description: 'Working days of the time limit', minimum: 0, maximum: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  workingDays!: number;

  @ApiPropertyOptional({ description: 'Jurisdiction id, e.g. xinzheng-mz' })
  @IsOptional()
  @IsString()
  jurisdiction?: string;
}

export class DeclareYearDto {
  @ApiProperty({
    type: [String],
    description: 'Days off (YYYY-MM-DD) of the year, weekend days within holidays included',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  holidays!: string[];

  @ApiProperty({ type: [String], description: 'Weekend days that are working days (调休上班)' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  makeupWorkdays!: string[];

  @ApiProperty({ description: 'Basis, e.g. 国办发明电〔2026〕X号' })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;
}

const YEAR_MIN = 1949;
const YEAR_MAX = 2200;

function checkYear(year: number): void {
  if (year < YEAR_MIN || year > YEAR_MAX) {
    throw badRequest('CALENDAR_YEAR_OUT_OF_RANGE', `年份必须在 ${YEAR_MIN} 到 ${YEAR_MAX} 之间。`);
  }
}

/** Working-day calendar: deadlines, a year's arrangement and its history, admin declarations. */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  constructor(
    private readonly calendars: CalendarStore,
    private readonly policies: PolicyStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  @Get('deadline')
  @ApiOperation({
    summary: 'Deadline N working days after an instant (first day not counted, end of day Asia/Shanghai)',
  })
  async deadline(@Query() query: DeadlineQueryDto) {
    if (query.jurisdiction && !(await this.policies.jurisdictions()).includes(query.jurisdiction)) {
      throw notFound('JURISDICTION_NOT_FOUND', `未知的辖区：${query.jurisdiction}`);
    }
    const calendar = await this.calendars.calendarFor(yearsSpanned(query.from, query.workingDays));
    try {
      const result = addWorkingDays(query.from, query.workingDays, calendar);
      return {
        ...result,
        from: query.from,
        workingDays: query.workingDays,
        jurisdiction: query.jurisdiction ?? null,
      };
    } catch (err) {
      if (err instanceof CalendarError) throw badRequest(`CALENDAR_${err.code}`, err.message);
      throw err;
    }
  }

  @Get(':year')
  @ApiOperation({ summary: "A year's holidays and make-up working days in force, with the version history" })
  async year(@Param('year', ParseIntPipe) year: number) {
    checkYear(year);
    const current = (await this.calendars.calendarFor([year]))[year];
    const history = await this.calendars.history(year);
    return {
      ...current,
      history: history.map((h) => ({
        version: h.version,
        source: h.source,
        reason: h.reason,
        createdBy: h.createdBy,
        createdAt: h.createdAt,
        holidays: h.holidays,
        makeupWorkdays: h.makeupWorkdays,
      })),
    };
  }

  @Put(':year')
  @Roles('admin')
  @ApiOperation({ summary: "Declare or correct a year's arrangement (admin); adds a version" })
  async declare(
    @Param('year', ParseIntPipe) year: number,
    @Body() body: DeclareYearDto,
    @CurrentPrincipal() who: Principal,
  ) {
    checkYear(year);
    let declared;
    try {
      declared = await this.calendars.declareYear(year, body, who.sub);
    } catch (err) {
      if (err instanceof CalendarValidationError) {
        throw badRequest('CALENDAR_INVALID', `日历数据有误：${err.message}`, { fields: err.fields });
      }
      throw err;
    }
    return { ...declared, notifiedWorkflows: await this.notifyOpenCases(year) };
  }

  /**
   * Tells every running workflow with an open deadline in or after `year` to recompute it. A case
   * that has closed meanwhile is skipped; any other failure is reported, the declaration stands.
   */
  private async notifyOpenCases(year: number): Promise<number> {
    let notified = 0;
    for (const workflowId of await workflowsWithDeadlinesFrom(this.dataSource, year)) {
      try {
        await this.temporal.workflow.getHandle(workflowId).signal(calendarChangedSignal, { years: [year] });
        notified++;
      } catch (err) {
        if ((err as { name?: string }).name !== 'WorkflowNotFoundError') throw err;
      }
    }
    return notified;
  }
}
