import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CASE_PROCEDURES } from '../../../activities';
import { ROLES } from '../auth/roles';
import { text, uuid } from '../common/field-schemas';

/** The dev sign-in's form: one role, the jurisdiction and department codes of the directory. */
export const devSignInSchema = z
  .object({
    role: z.enum(ROLES),
    jurisdiction: text(100).optional(),
    department: text(100).optional(),
    /** The user name the token carries (default `<role>.console`). */
    sub: text(100).optional(),
  })
  .strict();
export type DevSignInBody = z.infer<typeof devSignInSchema>;
export class DevSignInDto extends createZodDto(devSignInSchema) {}

const PROCEDURES = CASE_PROCEDURES.map((p) => p.procedure) as [string, ...string[]];

/** A case of the supervision index, as the case page asks for it. */
export const caseEntryParamsSchema = z.object({ procedure: z.enum(PROCEDURES), caseId: uuid() }).strict();
export class CaseEntryParamsDto extends createZodDto(caseEntryParamsSchema) {}
