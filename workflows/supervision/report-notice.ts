/**
 * The in-app notification that a quarterly report is ready. Supervisors (负责人/信用办) have no
 * addressable person in the service (tokens carry a role and a jurisdiction, no inbox address),
 * so the notice goes to the jurisdiction's supervisors as a role recipient on the `internal`
 * channel: a notification row of kind `supervision.quarterly-report.ready` that the in-app inbox
 * shows; a real channel joins through the notification adapters.
 */

export const QUARTERLY_REPORT_NOTICE_KIND = 'supervision.quarterly-report.ready';

/** Every supervisor of a jurisdiction (the jurisdiction's code, unlike `supervisor@<department name>`). */
export const jurisdictionSupervisorsOf = (jurisdiction: string): string => `supervisors@${jurisdiction}`;

export function reportNotice(input: {
  jurisdictionName: string;
  quarter: string;
  final: boolean;
  overdue: number;
  closed: number;
}): { kind: string; title: string; body: string } {
  const [year, q] = input.quarter.split('Q');
  const label = `${year}年第${q}季度`;
  return {
    kind: QUARTERLY_REPORT_NOTICE_KIND,
    title: `${input.jurisdictionName}${label}督查报告已生成${input.final ? '' : '（临时）'}`,
    body:
      `${input.jurisdictionName}${label}守信联合激励和失信联合惩戒工作督查报告已生成：本季度办结 ${input.closed} 件，` +
      `截止时逾期 ${input.overdue} 件（逐件列明）。请在“督查 → 季度报告”中查看或下载。`,
  };
}
