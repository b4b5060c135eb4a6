import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CORRECTABLE_FIELDS } from '../../../workflows/registry/types';
import {
  OBJECTION_CHANNELS,
  OBJECTION_GROUNDS,
  OBJECTION_STATUSES,
  VERIFICATION_OUTCOMES,
} from '../../../workflows/objection/types';
import {
  commaList,
  dateOrInstant,
  optionalText,
  paging,
  queryFlag,
  subjectCode,
  text,
  uuid,
} from '../common/field-schemas';

/**
 * Request bodies and queries of the objections API, validated at the edge with zod. Malformed
 * input (wrong types, missing or unknown fields) is a 400; what is well-formed but not acceptable
 * for the case (channel not accepted by the policy, record not contestable …) is decided later (422).
 * Each schema has its DTO class (`createZodDto`): the global pipe validates with it and the OpenAPI
 * document shows it.
 */

const note = optionalText(2000);

const attachment = z.object({ ref: text(200), name: text(200) }).strict();

export const createObjectionSchema = z
  .object({
    applicant: z
      .object({
        name: text(100),
        /** Mobile number, e-mail address, or postal address for the written reply. */
        contact: text(300),
        /** 统一社会信用代码 or 居民身份证号码 of the subject the record is about (check character verified). */
        subjectCode: subjectCode(),
      })
      .strict(),
    channel: z.enum(OBJECTION_CHANNELS),
    recordId: uuid(),
    grounds: z
      .array(z.enum(OBJECTION_GROUNDS))
      .min(1)
      .max(OBJECTION_GROUNDS.length)
      .refine((g) => new Set(g).size === g.length, '异议理由不能重复'),
    groundsText: text(5000),
    attachments: z.array(attachment).max(50).default([]),
  })
  .strict();
export type CreateObjectionBody = z.infer<typeof createObjectionSchema>;
export class CreateObjectionDto extends createZodDto(createObjectionSchema) {}

export const requestMaterialsSchema = z.object({ items: z.array(text(200)).min(1).max(30), note }).strict();
export const materialsReceivedSchema = z
  .object({ attachments: z.array(attachment).min(1).max(50), note })
  .strict();
export const forwardSchema = z.object({ note }).strict();
export const extendSchema = z.object({ workingDays: z.number().int(), reason: text(1000) }).strict();
export const withdrawSchema = z.object({ reason: text(1000) }).strict();
export const issueReplySchema = z.object({}).strict();
export class RequestMaterialsDto extends createZodDto(requestMaterialsSchema) {}
export class MaterialsReceivedDto extends createZodDto(materialsReceivedSchema) {}
export class ForwardDto extends createZodDto(forwardSchema) {}
export class ExtendDto extends createZodDto(extendSchema) {}
export class WithdrawDto extends createZodDto(withdrawSchema) {}
export class IssueReplyDto extends createZodDto(issueReplySchema) {}

export const verificationSchema = z
  .object({
    outcome: z.enum(VERIFICATION_OUTCOMES),
    opinion: text(5000),
    correctedValues: z
      .record(z.string(), z.string().nullable())
      .refine((v) => Object.keys(v).every((k) => (CORRECTABLE_FIELDS as readonly string[]).includes(k)), {
        message: `只能更正这些字段：${CORRECTABLE_FIELDS.join('、')}`,
      })
      .optional(),
    wrongfulPunishment: z.boolean().default(false),
  })
  .strict();
export class VerificationDto extends createZodDto(verificationSchema) {}

export const listQuerySchema = z
  .object({
    status: commaList(OBJECTION_STATUSES).optional(),
    department: text(200).optional(),
    step: z.enum(['materials', 'forward', 'verify', 'notify']).optional(),
    overdue: queryFlag().optional(),
    dueBefore: dateOrInstant()
      .optional()
      .describe('Due before this date (YYYY-MM-DD) or instant (ISO 8601 with offset)'),
    jurisdiction: text(100).optional(),
    ...paging,
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;
export class ListQueryDto extends createZodDto(listQuerySchema) {}

export const COUNT_DIMENSIONS = ['status', 'department', 'step', 'overdue'] as const;
export const countQuerySchema = listQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({ by: z.enum(COUNT_DIMENSIONS) })
  .strict();
export type CountQuery = z.infer<typeof countQuerySchema>;
export class CountQueryDto extends createZodDto(countQuerySchema) {}

export const lookupQuerySchema = z.object({ queryCode: text(40), subjectCode: text(40) }).strict();
export class LookupQueryDto extends createZodDto(lookupQuerySchema) {}
