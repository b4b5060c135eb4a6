import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The answer of GET /api/jurisdictions: the department directory with each policy in force. */
export const jurisdictionsResponseSchema = z
  .object({
    date: z.string().describe('Today in Beijing (YYYY-MM-DD): the day the policy in force is taken for'),
    items: z.array(
      z
        .object({
          code: z
            .string()
            .describe('Jurisdiction code, as tokens (claim `jurisdiction`) and policies use it'),
          name: z.string().describe('Chinese name'),
          policy: z
            .object({
              id: z.string().describe('The policy’s identifier: GET /api/policies/{id} gives its history'),
              version: z.number().int(),
              name: z.string().describe('The policy document’s name'),
              effectiveFrom: z.string().describe('First day of this version (YYYY-MM-DD)'),
            })
            .nullable()
            .describe('The policy version in force today; null when the jurisdiction has none yet'),
          departments: z
            .array(
              z.object({
                code: z
                  .string()
                  .describe('Department code within the jurisdiction (token claim `department`)'),
                name: z.string().describe('Full Chinese name, as cases and records show it'),
              }),
            )
            .describe('Departments of the jurisdiction'),
        })
        .strict(),
    ),
  })
  .strict();
export type JurisdictionsResponse = z.infer<typeof jurisdictionsResponseSchema>;
export class JurisdictionsResponseDto extends createZodDto(jurisdictionsResponseSchema) {}
