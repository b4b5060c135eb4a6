import { z } from 'zod';
import { CORRECTABLE_FIELDS } from '../../../workflows/registry/types';
import {
  OBJECTION_CHANNELS,
  OBJECTION_GROUNDS,
  OBJECTION_STATUSES,
  VERIFICATION_OUTCOMES,
} from '../../../workflows/objection/types';

/**
 * Request bodies and queries of the objections API, validated at the edge with zod. Malformed
 * input (wrong types, missing or unknown fields) is a 400; what is well-formed but not acceptable
 * for the case (channel not accepted by the policy, record not contestable …) is decided later (422).
 */

const text = (max: number) => z.string().trim().min(1).max(max);
const note = z.string().trim().max(2000).optional();

const attachment = z.object({ ref: text(200), name: text(200) }).strict();

export const createObjectionSchema = z
  .object({
    applicant: z
      .object({
        name: text(100),
        /** Mobile number, e-mail address, or postal address for the written reply. */
        contact: text(300),
        /** 统一社会信用代码 or 居民身份证号码 of the subject the record is about. */
        subjectCode: text(40),
      })
      .strict(),
    channel: z.enum(OBJECTION_CHANNELS),
    recordId: z.string().uuid(),
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

export const requestMaterialsSchema = z.object({ items: z.array(text(200)).min(1).max(30), note }).strict();
export const materialsReceivedSchema = z
  .object({ attachments: z.array(attachment).min(1).max(50), note })
  .strict();
export const forwardSchema = z.object({ note }).strict();
export const extendSchema = z.object({ workingDays: z.number().int(), reason: text(1000) }).strict();
export const withdrawSchema = z.object({ reason: text(1000) }).strict();
export const issueReplySchema = z.object({}).strict();

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

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuerySchema = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(',').map((p) => p.trim()))
      .pipe(z.array(z.enum(OBJECTION_STATUSES)).min(1))
      .optional(),
    department: text(200).optional(),
    step: z.enum(['materials', 'forward', 'verify', 'notify']).optional(),
    overdue: flag.optional(),
    dueBefore: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
    jurisdiction: text(100).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;

export const COUNT_DIMENSIONS = ['status', 'department', 'step', 'overdue'] as const;
export const countQuerySchema = listQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({ by: z.enum(COUNT_DIMENSIONS) })
  .strict();
export type CountQuery = z.infer<typeof countQuerySchema>;

export const lookupQuerySchema = z.object({ queryCode: text(40), subjectCode: text(40) }).strict();
