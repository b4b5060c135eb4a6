import type { Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';

/** `@ApiBody` with the body's schema (from its zod DTO) and an example request to try. */
export const ApiBodyExample = (type: Type<unknown>, value: Record<string, unknown>) =>
  ApiBody({ type, examples: { example: { value } } });
