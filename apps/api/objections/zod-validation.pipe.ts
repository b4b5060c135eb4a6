/** The shared zod pipe lives in `common/validation.ts`; this path stays for existing imports. */
export { ZodValidationPipe } from '../common/validation';
