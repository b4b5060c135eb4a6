import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_PROCEDURES } from '../../../activities';
import { CalendarStore } from '../../../activities/calendar/calendar-store';
import { CaseIndexRow } from '../../../infra/database/entities/case/case-index.entity';
import type { Principal } from '../auth/roles';
import { scopeCondition, scopeOf } from '../cases/case-scope';
import { notFound } from '../common/errors';
import {
  ageInWorkingDays,
  workingDaysLeft,
  workingDaysOver,
  yearsOf,
} from '../../../activities/supervision/supervision-figures';

/**
 * One case's entry of the supervision index (`case_index`) with its working days counted now: what
 * the console's case page shows beside the procedure's own case file (working days left or over
 * on the calendar in force, each closed step and whether it met its limit). Scoped as the board is.
 */
@Injectable()
export class ConsoleCaseEntry {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendars: CalendarStore,
  ) {}

  async entry(principal: Principal, procedure: string, caseId: string) {
    const scope = scopeCondition(scopeOf(principal), {
      officeDepartment: 'c.office_department',
      providerDepartment: 'c.provider_department',
    });
    const row = await this.dataSource
      .getRepository(CaseIndexRow)
      .createQueryBuilder('c')
      .where(scope.sql, scope.params)
      .andWhere('c.procedure = :procedure AND c.case_id = :caseId', { procedure, caseId })
      .getOne();
    if (!row) {
      throw notFound('CONSOLE_CASE_NOT_FOUND', '督查台账中没有这件案件，或它不在您的查看范围内。');
    }
    const at = new Date().toISOString();
    const calendar = await this.calendars.calendarFor(
      yearsOf([at, row.receivedAt, row.closedAt, row.stepDueAt, row.caseDueAt]),
    );
    return {
      procedure: row.procedure,
      procedureName: CASE_PROCEDURES.find((p) => p.procedure === row.procedure)?.name ?? row.procedure,
      caseId: row.caseId,
      caseNo: row.caseNo,
      status: row.status,
      statusName: row.statusName,
      currentStep: row.currentStep,
      currentStepName: row.currentStepName,
      currentStepDepartment: row.currentStepDepartment,
      stepDueAt: row.stepDueAt?.toISOString() ?? null,
      caseDueAt: row.caseDueAt?.toISOString() ?? null,
      overdue: row.overdue && !row.closedAt,
      workingDaysLeft: workingDaysLeft(row, at, calendar),
      workingDaysOver: workingDaysOver(row, at, calendar),
      ageWorkingDays: ageInWorkingDays(row, at, calendar),
      escalationLevel: row.escalationLevel,
      receivedAt: row.receivedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      metLimit: row.metLimit,
      closedSteps: row.closedSteps,
      at,
    };
  }
}
