import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_PROCEDURES } from '../../../activities';
import { LogNotificationAdapter } from '../../../activities/notifications/adapters';
import { createNotificationActivities } from '../../../activities/notifications/notifications';
import {
  createQuarterlyReports,
  QuarterlyReportRefused,
} from '../../../activities/supervision/quarterly-report';
import { QuarterlyReport } from '../../../infra/database/entities/supervision/quarterly-report.entity';
import { jurisdictionByCode } from '../../../workflows/reference/directory';
import type { Principal } from '../auth/roles';
import { ApiError, notFound } from '../common/errors';
import type { ProduceReport, ReportListQuery } from './supervision-reports.schemas';

const NOT_FOUND = () =>
  notFound('SUPERVISION_REPORT_NOT_FOUND', '未找到该季度报告（或不属于您所在的辖区）。');

/** The jurisdictions a caller's reports come from: an admin every one, a supervisor its own. */
function reportScope(principal: Principal): { all: true } | { all: false; jurisdiction: string | null } {
  if (principal.roles.includes('admin')) return { all: true };
  return { all: false, jurisdiction: principal.jurisdiction ?? null };
}

const inReportScope = (principal: Principal, jurisdiction: string) => {
  const scope = reportScope(principal);
  return scope.all || scope.jurisdiction === jurisdiction;
};

/** A report's metadata, as lists answer it. */
function summary(r: QuarterlyReport) {
  return {
    id: r.id,
    jurisdiction: r.jurisdiction,
    jurisdictionName: r.figures.jurisdictionName,
    quarter: r.quarter,
    periodFrom: r.periodFrom.toISOString(),
    countedUntil: r.countedUntil.toISOString(),
    final: r.final,
    producedBy: r.producedBy,
    producedAt: r.producedAt.toISOString(),
    totals: r.figures.totals,
  };
}

/**
 * The quarterly supervision reports (督查季度报告): those the quarterlyReports workflow stored at
 * each quarter's cut-off, and those a supervisor asks for now. Produced by the same domain
 * function as the workflow's activity (activities/supervision/quarterly-report.ts).
 */
@Injectable()
export class SupervisionReportsService {
  private readonly reports;

  constructor(private readonly dataSource: DataSource) {
    const notifications = createNotificationActivities({
      dataSource,
      adapters: {},
      fallback: new LogNotificationAdapter(),
    });
    this.reports = createQuarterlyReports({
      dataSource,
      procedures: CASE_PROCEDURES,
      notify: notifications.notify,
    });
  }

  async list(principal: Principal, query: ReportListQuery) {
    const scope = reportScope(principal);
    const qb = this.dataSource.getRepository(QuarterlyReport).createQueryBuilder('r').where('TRUE');
    if (!scope.all) qb.where('r.jurisdiction = :own', { own: scope.jurisdiction ?? '' });
    if (query.jurisdiction)
      qb.andWhere('r.jurisdiction = :jurisdiction', { jurisdiction: query.jurisdiction });
    if (query.quarter) qb.andWhere('r.quarter = :quarter', { quarter: query.quarter });
    const rows = await qb.orderBy('r.quarter', 'DESC').addOrderBy('r.jurisdiction', 'ASC').getMany();
    return { total: rows.length, items: rows.map(summary) };
  }

  private async found(principal: Principal, id: string, withFile: boolean): Promise<QuarterlyReport> {
    const qb = this.dataSource
      .getRepository(QuarterlyReport)
      .createQueryBuilder('r')
      .where('r.id = :id', { id });
    if (withFile) qb.addSelect('r.xlsx');
    const report = await qb.getOne();
    if (!report || !inReportScope(principal, report.jurisdiction)) throw NOT_FOUND();
    return report;
  }

  async detail(principal: Principal, id: string) {
    const report = await this.found(principal, id, false);
    return { ...summary(report), figures: report.figures };
  }

  async file(principal: Principal, id: string): Promise<{ report: QuarterlyReport; xlsx: Buffer }> {
    const report = await this.found(principal, id, true);
    return { report, xlsx: report.xlsx };
  }

  /**
   * Produces the report now, for a past quarter (counted up to its cut-off) or the current one
   * (counted up to now: provisional, replaced by the final one at the cut-off); a report on file
   * is answered as stored.
   */
  async produce(principal: Principal, body: ProduceReport) {
    if (!jurisdictionByCode(body.jurisdiction) || !inReportScope(principal, body.jurisdiction)) {
      throw notFound(
        'SUPERVISION_REPORT_JURISDICTION_NOT_FOUND',
        `辖区 ${body.jurisdiction} 不在部门目录中（或不是您所在的辖区）。`,
      );
    }
    try {
      const produced = await this.reports.produce({ ...body, producedBy: principal.sub });
      return { created: produced.created, report: await this.detail(principal, produced.id) };
    } catch (err) {
      if (err instanceof QuarterlyReportRefused) {
        throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, err.code, err.message);
      }
      throw err;
    }
  }
}
