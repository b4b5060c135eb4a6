import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { RECORD_ACTIONS } from '../../../workflows/registry/record-lifecycle';
import {
  LIST_EXIT_CAUSES,
  LIST_TYPES,
  MEASURE_KINDS,
  PERSON_ROLES,
  RECORD_KINDS,
  RECORD_STATUSES,
  SUBJECT_KINDS,
  type RecordCorrection,
} from '../../../workflows/registry/types';
import { isoDate, optionalText, queryInt, text, uuid } from '../common/field-schemas';

/**
 * Request bodies and queries of the registry API (subjects, records, lists, measures, credit
 * checks), validated at the edge with zod; each has its DTO class for the global pipe and the
 * OpenAPI document. The registry itself checks what needs its data: code checksums, date order,
 * correctable fields (400 SUBJECT_CODE_INVALID, RECORD_FIELDS_INVALID …).
 */

/** An optional date of a record; null says the same as leaving it out (e.g. not published). */
const optionalDate = () => isoDate().nullish();
const subjectCode = () => text(40).describe('统一社会信用代码 or 居民身份证号码');
const caseRef = () => optionalText(200).describe('Case the action belongs to (objection, repair …)');

const person = z
  .object({
    role: z.enum(PERSON_ROLES).describe('法定代表人 / 主要负责人 / 直接责任人员'),
    code: text(40).describe('居民身份证号码 (GB 11643 check digit validated)'),
    name: text(100),
  })
  .strict();

export const registerSubjectSchema = z
  .object({
    kind: z.enum(SUBJECT_KINDS),
    code: text(40).describe(
      '统一社会信用代码 (organisations) or 居民身份证号码 (natural persons); checksum validated',
    ),
    name: text(200),
    jurisdiction: optionalText(100),
    persons: z
      .array(person)
      .max(50)
      .optional()
      .describe('Organisations only: persons measures reach (落实到人)'),
  })
  .strict();
export class RegisterSubjectDto extends createZodDto(registerSubjectSchema) {}

export const subjectQuerySchema = z
  .object({
    name: optionalText(200).describe('Part of the name'),
    kind: z.enum(SUBJECT_KINDS).optional(),
    limit: queryInt(1, 500).optional(),
  })
  .strict();
export class SubjectQueryDto extends createZodDto(subjectQuerySchema) {}

export const registerRecordSchema = z
  .object({
    subjectCode: subjectCode().describe('Code of a registered subject'),
    kind: z.enum(RECORD_KINDS),
    documentNo: text(200).describe('Decision document number (文书号); unique per department'),
    decisionDate: isoDate(),
    conductEndedOn: optionalDate().describe(
      'Date the conduct ended (retention of personal records counts from it)',
    ),
    severityTier: optionalText(50).describe('Severity tier as the provider names it (轻微/一般/较重/严重 …)'),
    title: text(500),
    content: text(20000),
    publicityStart: optionalDate().describe('First day of publicity; omit for records not published'),
    publicityMinEnd: optionalDate().describe(
      'Earliest end of publicity (minimum period, repair eligibility)',
    ),
    publicityMaxEnd: optionalDate().describe('Publicity stops automatically after this day (maximum period)'),
    retentionEnd: optionalDate().describe('The record is deleted after this day'),
  })
  .strict();
export class RegisterRecordDto extends createZodDto(registerRecordSchema) {}

export const recordQuerySchema = z
  .object({
    subject: optionalText(40).describe('Subject code'),
    department: optionalText(200),
    status: z.enum(RECORD_STATUSES).optional(),
    kind: z.enum(RECORD_KINDS).optional(),
    limit: queryInt(1, 500).optional(),
  })
  .strict();
export class RecordQueryDto extends createZodDto(recordQuerySchema) {}

export const recordTransitionSchema = z
  .object({
    action: z.enum(RECORD_ACTIONS),
    reason: text(2000).describe('Why; kept in the record history'),
    caseRef: caseRef(),
    // Field names and values are the registry's to judge: it names a wrong one
    // (RECORD_CORRECTION_FIELD_UNKNOWN, RECORD_FIELDS_INVALID).
    changes: z
      .record(z.string(), z.unknown())
      .transform((changes) => changes as RecordCorrection)
      .optional()
      .describe(
        'For correct: field → new value (title, content, severityTier, dates); null clears an optional date',
      ),
  })
  .strict();
export class RecordTransitionDto extends createZodDto(recordTransitionSchema) {}

export const addListEntrySchema = z
  .object({
    subjectCode: subjectCode(),
    listType: z.enum(LIST_TYPES).describe('red 红名单, black 黑名单, watch 重点关注名单'),
    domain: text(100).describe('Domain (领域) of the list'),
    listName: text(200),
    basis: text(2000).describe('Basis of the listing (认定依据)'),
    documentNo: optionalText(200),
    recordId: uuid().optional().describe('The credit record the listing rests on'),
    effectiveFrom: isoDate(),
    expiresOn: isoDate().optional(),
  })
  .strict();
export class AddListEntryDto extends createZodDto(addListEntrySchema) {}

export const reasonSchema = z.object({ reason: text(2000), caseRef: caseRef() }).strict();
export class ReasonDto extends createZodDto(reasonSchema) {}

export const listExitQuerySchema = z
  .object({
    since: isoDate().optional().describe('Exits from this day on (the day the entry stopped being in force)'),
    cause: z
      .enum(LIST_EXIT_CAUSES)
      .optional()
      .describe(
        'expired 有效期届满, repaired 信用修复, record-revoked 记录撤销, red-list-dishonesty 失信退出红名单, manual',
      ),
    department: optionalText(200).describe(
      'Identifying department of the entry, or an executing department told',
    ),
    limit: queryInt(1, 500).optional(),
  })
  .strict();
export class ListExitQueryDto extends createZodDto(listExitQuerySchema) {}

export const defineMeasureSchema = z
  .object({
    code: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        '应为 1–64 个字母、数字、点、下划线或连字符，以字母或数字开头',
      ),
    name: text(200),
    kind: z.enum(MEASURE_KINDS),
    legalBasis: text(2000),
    applicableLists: z.array(z.enum(LIST_TYPES)).min(1),
    publishedOn: isoDate().optional().describe('Publish at once with this date; omit to keep a draft'),
  })
  .strict();
export class DefineMeasureDto extends createZodDto(defineMeasureSchema) {}

export const publishMeasureSchema = z
  .object({ publishedOn: isoDate().optional().describe('Date of publication (default today)') })
  .strict();
export class PublishMeasureDto extends createZodDto(publishMeasureSchema) {}

export const measureQuerySchema = z.object({ kind: z.enum(MEASURE_KINDS).optional() }).strict();
export class MeasureQueryDto extends createZodDto(measureQuerySchema) {}

export const applyMeasureSchema = z
  .object({
    measureCode: text(64),
    matter: text(500).describe('The administrative matter in which it is applied'),
    listEntryId: uuid()
      .optional()
      .describe('List entry it rests on (default: newest current entry of an applicable list)'),
    extendToPersons: z
      .boolean()
      .optional()
      .describe('落实到人: also apply to the organisation’s responsible persons'),
    caseRef: caseRef(),
  })
  .strict();
export class ApplyMeasureDto extends createZodDto(applyMeasureSchema) {}

export const feedbackSchema = z.object({ text: text(5000).describe('执行反馈') }).strict();
export class FeedbackDto extends createZodDto(feedbackSchema) {}

export const creditCheckQuerySchema = z
  .object({
    matter: text(500).describe('The matter being handled (办理事项)'),
    caseRef: optionalText(200).describe('Case file the check belongs to (案卷号 / workflow id)'),
  })
  .strict();
export class CreditCheckQueryDto extends createZodDto(creditCheckQuerySchema) {}

export const creditCheckListQuerySchema = z
  .object({ caseRef: optionalText(200), subject: optionalText(40).describe('Subject code') })
  .strict();
export class CreditCheckListQueryDto extends createZodDto(creditCheckListQuerySchema) {}
