import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import {
  RECTIFICATION_STAGES,
  RECTIFICATION_STATUSES,
  VERIFICATION_RESULTS,
} from '../../../workflows/rectification/types';
import { subjectCode } from '../commitments/commitments.schemas';
import {
  commaList,
  dateOrInstant,
  isoInstant,
  optionalText,
  paging,
  queryFlag,
  text,
  uuid,
} from '../common/field-schemas';

/**
 * Request bodies and queries of the rectifications API (限期整改、约谈), validated at the edge with
 * zod. Malformed input is a 400 VALIDATION_FAILED; what is well formed but not acceptable (a record
 * of another department, an interview that has not been held yet) is the service's or the
 * workflow's to refuse with its own code.
 */

/** Largest deadline per unit the department may set: about a year. */
const DEADLINE_MAX = { 'working-days': 250, 'calendar-days': 366, months: 12 } as const;

/** A deadline the department sets instead of the policy's: working days, calendar days or months. */
const deadline = z
  .object({
    value: z.number().int().min(1),
    unit: z.enum(['working-days', 'calendar-days', 'months']),
  })
  .strict()
  .refine((l) => l.value <= DEADLINE_MAX[l.unit], {
    path: ['value'],
    message: '整改期限最长为 250 个工作日、366 个自然日或 12 个月',
    params: { code: 'too_big' },
  });

const reason = text(2000);
const attachments = z
  .array(z.object({ ref: text(200), name: text(200) }).strict())
  .max(30)
  .default([]);

const custom = (ctx: z.RefinementCtx, path: string[], code: string, message: string) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message, params: { code } });

export const createRectificationSchema = z
  .object({
    /** The dishonesty record of the caller's department the rectification rests on … */
    recordId: uuid().optional(),
    /** … or a 重点关注名单 entry of the caller's department. */
    listEntryId: uuid().optional(),
    /** The obligations to rectify (整改事项). */
    obligations: z.array(text(500)).min(1).max(20),
    /** Another deadline than the policy's for the tier, with the reason. */
    deadline: deadline.optional(),
    deadlineReason: optionalText(2000),
    /** Who the department deals with at the subject; notices go to the contact. */
    contact: z.object({ name: text(100), contact: text(300) }).strict(),
    /** Field (领域) of a 重点关注名单 entry that may follow (default: the department). */
    domain: optionalText(50),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.recordId === undefined) === (body.listEntryId === undefined)) {
      custom(
        ctx,
        ['recordId'],
        'basis_required',
        '请填写信用记录（recordId）或重点关注名单条目（listEntryId）中的一项',
      );
    }
    if (body.deadline && !body.deadlineReason) {
      custom(ctx, ['deadlineReason'], 'reason_required', '另行确定整改期限的，必须说明理由');
    }
    if (!body.deadline && body.deadlineReason) {
      custom(ctx, ['deadlineReason'], 'deadline_required', '未另行确定整改期限时不填写理由');
    }
  });
export type CreateRectificationBody = z.infer<typeof createRectificationSchema>;
export class CreateRectificationDto extends createZodDto(createRectificationSchema) {}

export const verificationSchema = z
  .object({ result: z.enum(VERIFICATION_RESULTS), opinion: text(5000) })
  .strict();
export class RectificationVerificationDto extends createZodDto(verificationSchema) {}

export const scheduleInterviewSchema = z
  .object({
    /** When it is held: an instant with offset, in the future. */
    at: isoInstant(),
    place: text(300),
    /** The department's participants (names, with their posts). */
    participants: z.array(text(100)).min(1).max(20),
    /** The subject's representative (法定代表人, 主要负责人, 委托代理人 …). */
    representative: z.object({ name: text(100), capacity: text(50) }).strict(),
  })
  .strict();
export class ScheduleInterviewDto extends createZodDto(scheduleInterviewSchema) {}

export const recordInterviewSchema = z
  .object({
    /** Did the subject's representative appear? */
    appeared: z.boolean(),
    /** What was said; for a no-show, what happened (e.g. 经电话通知仍未到场). */
    summary: text(5000),
    /** What the subject undertook (required when it appeared). */
    undertakings: optionalText(5000),
    /** Another deadline than the policy's after an interview, with the reason. */
    newDeadline: deadline.optional(),
    newDeadlineReason: optionalText(2000),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.appeared && !body.undertakings) {
      custom(ctx, ['undertakings'], 'undertakings_required', '整改对象到场的，必须记录其整改承诺');
    }
    if (body.newDeadline && !body.newDeadlineReason) {
      custom(ctx, ['newDeadlineReason'], 'reason_required', '另行确定整改期限的，必须说明理由');
    }
  });
export class RecordInterviewDto extends createZodDto(recordInterviewSchema) {}

export const decisionSchema = z.object({ confirmed: z.boolean(), reason }).strict();
export class ConsequenceDecisionDto extends createZodDto(decisionSchema) {}

export const cancelSchema = z.object({ reason }).strict();
export class CancelDto extends createZodDto(cancelSchema) {}

export const lookupQuerySchema = z.object({ queryCode: text(40), subjectCode: text(40) }).strict();
export class LookupQueryDto extends createZodDto(lookupQuerySchema) {}

/** The subject's report (no token): the query code and subject code open the case. */
export const subjectReportSchema = z
  .object({
    queryCode: text(40),
    subjectCode: text(40),
    /** What the subject did (整改情况). */
    description: text(5000),
    /** Proofs by reference (stored documents). */
    attachments,
  })
  .strict();
export type SubjectReportBody = z.infer<typeof subjectReportSchema>;
export class SubjectReportDto extends createZodDto(subjectReportSchema) {}

export const listQuerySchema = z
  .object({
    status: commaList(RECTIFICATION_STATUSES).optional(),
    stage: commaList(RECTIFICATION_STAGES).optional(),
    /** The identifying department. */
    department: text(200).optional(),
    subjectCode: subjectCode().optional(),
    recordId: uuid().optional(),
    overdue: queryFlag().optional(),
    dueBefore: dateOrInstant()
      .optional()
      .describe('An open deadline (the subject’s or a step’s) due before this date or instant'),
    jurisdiction: text(100).optional(),
    ...paging,
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;
export class ListQueryDto extends createZodDto(listQuerySchema) {}

export const COUNT_DIMENSIONS = ['status', 'stage', 'department', 'overdue'] as const;
export const countQuerySchema = listQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({ by: z.enum(COUNT_DIMENSIONS) })
  .strict();
export type CountQuery = z.infer<typeof countQuerySchema>;
export class CountQueryDto extends createZodDto(countQuerySchema) {}
