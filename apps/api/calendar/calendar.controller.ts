import { unknownJurisdiction } from '../cases/policy-missing';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Logger,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { CalendarStore, CalendarValidationError } from '../../../activities/calendar/calendar-store';
import type { AppConfig } from '../../../infra/config/config';
import {
  calendarChangeFanOut,
  calendarChangeProgressQuery,
} from '../../../workflows/calendar-change/calendar-change-fan-out';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/runtime';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { addWorkingDays, CalendarError, yearsSpanned } from '../../../workflows/calendar';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/roles';
import { ApiError, badRequest, notFound } from '../common/errors';
import { ApiBodyExample } from '../common/openapi';
import { ZodValidationPipe } from '../common/validation';
import { DeadlineQueryDto, DeclareYearDto, yearParamSchema } from './calendar.schemas';

const yearParam = new ZodValidationPipe(yearParamSchema);

const YEAR_MIN = 1949;
const YEAR_MAX = 2200;

function checkYear(year: number): void {
  if (year < YEAR_MIN || year > YEAR_MAX) {
    throw badRequest('CALENDAR_YEAR_OUT_OF_RANGE', `年份必须在 ${YEAR_MIN} 到 ${YEAR_MAX} 之间。`);
  }
}

/** One fan-out per declared version: restarting it for the same version joins the running one. */
const fanOutWorkflowId = (year: number, version: number) => `calendar-change-${year}-v${version}`;

export interface FanOutStart {
  workflowId: string;
  started: boolean;
}

const fanOutNotStarted = () =>
  new ApiError(
    HttpStatus.SERVICE_UNAVAILABLE,
    'CALENDAR_FAN_OUT_NOT_STARTED',
    '通知在办案件的流程未能启动，请稍后重试。',
  );

/** Working-day calendar: deadlines, a year's arrangement and its history, admin declarations. */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  private readonly logger = new Logger(CalendarController.name);

  constructor(
    private readonly calendars: CalendarStore,
    private readonly policies: PolicyStore,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('deadline')
  @ApiOperation({
    summary: 'Deadline N working days after an instant (first day not counted, end of day Asia/Shanghai)',
  })
  async deadline(@Query() query: DeadlineQueryDto) {
    if (query.jurisdiction && !(await this.policies.jurisdictions()).includes(query.jurisdiction)) {
      throw await unknownJurisdiction(this.policies, query.jurisdiction);
    }
    try {
      // A year beyond the statutory rules (1901–2100) has no provisional calendar: 400, not 500.
      const calendar = await this.calendars.calendarFor(yearsSpanned(query.from, query.workingDays));
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
  async year(@Param('year', yearParam) year: number) {
    checkYear(year);
    const current = (
      await this.calendars.calendarFor([year]).catch((err: unknown) => {
        if (err instanceof CalendarError) throw badRequest(`CALENDAR_${err.code}`, err.message);
        throw err;
      })
    )[year];
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
  @ApiOperation({
    summary: "Declare or correct a year's arrangement (admin); adds a version",
    description:
      'Stores the version, then starts the fan-out that tells open cases to recompute their deadlines ' +
      '(`fanOut.workflowId`; progress: GET …/fan-out). If it cannot start, the declaration stands and ' +
      '`fanOut.started` is false: start it again with POST …/fan-out.',
  })
  @ApiBodyExample(DeclareYearDto, {
    holidays: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
    makeupWorkdays: ['2027-02-20'],
    reason: '国务院办公厅关于2027年部分节假日安排的通知',
  })
  async declare(
    @Param('year', yearParam) year: number,
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
    return { ...declared, fanOut: await this.startFanOut(year, declared.version) };
  }

  @Post(':year/fan-out')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "(Re)start telling open cases about the year's version in force (admin)",
    description: 'Joins the fan-out of that version if it is still running.',
  })
  async restartFanOut(@Param('year', yearParam) year: number) {
    checkYear(year);
    const version = await this.declaredVersion(year);
    const fanOut = await this.startFanOut(year, version);
    if (!fanOut.started) throw fanOutNotStarted();
    return { year, version, fanOut };
  }

  @Get(':year/fan-out')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: "Progress of telling open cases about the year's version in force" })
  async fanOutProgress(@Param('year', yearParam) year: number) {
    checkYear(year);
    const version = await this.declaredVersion(year);
    const workflowId = fanOutWorkflowId(year, version);
    try {
      const progress = await this.temporal.workflow.getHandle(workflowId).query(calendarChangeProgressQuery);
      return { workflowId, ...progress };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw notFound(
          'CALENDAR_FAN_OUT_NOT_FOUND',
          `${year} 年第 ${version} 版节假日安排尚未开始通知在办案件，可由管理员重新发起。`,
          { workflowId },
        );
      }
      this.logger.warn(`calendar fan-out ${workflowId}: progress unavailable: ${String(err)}`);
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'WORKFLOW_SERVICE_UNAVAILABLE',
        '流程服务暂不可用，请稍后重试。',
      );
    }
  }

  /** The version in force of a year an admin or the package published (provisional years have none). */
  private async declaredVersion(year: number): Promise<number> {
    const current = (await this.calendars.calendarFor([year]))[year];
    if (!current.published) {
      throw notFound('CALENDAR_YEAR_NOT_DECLARED', `${year} 年尚未发布节假日安排，没有需要通知的变更。`);
    }
    return current.version;
  }

  /**
   * Starts the workflow that tells every open case the year changed. Failing to start it leaves
   * the stored declaration as it is: the caller learns so and an admin can start it again.
   */
  private async startFanOut(year: number, version: number): Promise<FanOutStart> {
    const workflowId = fanOutWorkflowId(year, version);
    try {
      await this.temporal.workflow.start(calendarChangeFanOut, {
        taskQueue: this.config.temporal.taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ year, version }],
      });
      return { workflowId, started: true };
    } catch (err) {
      this.logger.error(`calendar ${year} v${version}: fan-out ${workflowId} not started: ${String(err)}`);
      return { workflowId, started: false };
    }
  }
}
