import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { NATIONAL_TIERS, type NationalTier } from '../../../workflows/policies/types';
import { REPAIR_MATERIALS, REPAIR_STATUSES } from '../../../workflows/repair/types';
import { commaList, optionalText, paging, queryFlag, text, uuid } from '../common/field-schemas';
import { subjectCode } from '../commitments/commitments.schemas';

/**
 * Request bodies and queries of the repairs API (信用修复), validated at the edge with zod.
 * Malformed input — wrong types, unknown fields or materials, a subject code whose check character
 * is wrong — is a 400 VALIDATION_FAILED; what is well formed but not acceptable (a record of
 * another subject, a second open application, an action the case's status does not allow) is the
 * service's or the workflow's to refuse with its own code.
 */

const attachment = z
  .object({
    /** Where the file is kept (document management, upload id). */
    ref: text(200),
    name: text(200),
  })
  .strict();

/** One submitted material: its kind (workflows/repair/types.ts REPAIR_MATERIALS) and the file. */
const material = z.object({ kind: z.enum(REPAIR_MATERIALS), attachment }).strict();
const materials = z.array(material).max(30);

const applicant = z
  .object({
    name: text(100),
    /** Mobile number, e-mail or postal address: receipts and the decision go there. */
    contact: text(300),
  })
  .strict();

const application = {
  /** The dishonesty record to repair (its id as the public record listing shows it). */
  recordId: uuid(),
  /** The record's subject: 统一社会信用代码 or 居民身份证号码 (check character verified). */
  subjectCode: subjectCode(),
  applicant,
  /** What the application brings; what the tier requires and is missing is asked for (补正). */
  materials: materials.default([]),
};

/** The subject applies online (no token), on the credit website of a jurisdiction. */
export const applyOnlineSchema = z
  .object({
    /** The jurisdiction whose credit website receives the application and whose policy applies. */
    jurisdiction: text(100),
    ...application,
    channel: z.enum(['website', 'app']).default('website'),
  })
  .strict();
export type ApplyOnlineBody = z.infer<typeof applyOnlineSchema>;
export class ApplyOnlineDto extends createZodDto(applyOnlineSchema) {}

/** A caseworker registers an application received at the window, by mail or from a department. */
export const registerApplicationSchema = z
  .object({ ...application, channel: z.enum(['window', 'mail', 'department']) })
  .strict();
export type RegisterApplicationBody = z.infer<typeof registerApplicationSchema>;
export class RegisterApplicationDto extends createZodDto(registerApplicationSchema) {}

export const eligibilityQuerySchema = z
  .object({ jurisdiction: text(100), recordId: uuid(), subjectCode: subjectCode() })
  .strict();
export type EligibilityQuery = z.infer<typeof eligibilityQuerySchema>;
export class EligibilityQueryDto extends createZodDto(eligibilityQuerySchema) {}

const note = optionalText(2000);

export const requestMaterialsSchema = z
  .object({
    items: z
      .array(z.enum(REPAIR_MATERIALS))
      .min(1)
      .max(REPAIR_MATERIALS.length)
      .refine((items) => new Set(items).size === items.length, '补正材料不能重复'),
    note,
  })
  .strict();
export const supplyMaterialsSchema = z.object({ materials: materials.min(1) }).strict();
export const acceptSchema = z.object({ note }).strict();
export const withdrawSchema = z.object({ reason: text(2000) }).strict();
export const decisionSchema = z.object({ approved: z.boolean(), reasons: text(5000) }).strict();
export const revocationSchema = z.object({ reason: text(5000) }).strict();
export class RepairMaterialsRequestDto extends createZodDto(requestMaterialsSchema) {}
export class SupplyMaterialsDto extends createZodDto(supplyMaterialsSchema) {}
export class AcceptDto extends createZodDto(acceptSchema) {}
export class RepairWithdrawDto extends createZodDto(withdrawSchema) {}
export class RepairDecisionDto extends createZodDto(decisionSchema) {}
export class RevocationDto extends createZodDto(revocationSchema) {}

const lookup = { queryCode: text(40), subjectCode: text(40) };
export const lookupQuerySchema = z.object(lookup).strict();
export class LookupQueryDto extends createZodDto(lookupQuerySchema) {}

/** The applicant supplies materials with the query code (in the body: never in a URL). */
export const supplyByQueryCodeSchema = z.object({ ...lookup, materials: materials.min(1) }).strict();
export class SupplyByQueryCodeDto extends createZodDto(supplyByQueryCodeSchema) {}

export const listQuerySchema = z
  .object({
    status: commaList(REPAIR_STATUSES).optional(),
    tier: commaList(NATIONAL_TIERS as [NationalTier, ...NationalTier[]]).optional(),
    /** The identifying department (认定部门) of the record. */
    department: text(200).optional(),
    /** The office that registered the application. */
    office: text(200).optional(),
    overdue: queryFlag().optional(),
    subjectCode: subjectCode().optional(),
    jurisdiction: text(100).optional(),
    ...paging,
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;
export class ListQueryDto extends createZodDto(listQuerySchema) {}

export const COUNT_DIMENSIONS = ['status', 'tier', 'department'] as const;
export const countQuerySchema = listQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({ by: z.enum(COUNT_DIMENSIONS) })
  .strict();
export type CountQuery = z.infer<typeof countQuerySchema>;
export class CountQueryDto extends createZodDto(countQuerySchema) {}
