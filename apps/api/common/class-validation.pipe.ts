import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from './validation';
import { isZodDto, validationFailed } from './validation';

/** The limit class-validator names at the end of its own message ("… must not be less than 0"). */
const limitIn = (original: string) => /(-?\d+(?:\.\d+)?)(?: characters| elements)?$/.exec(original)?.[1];

/** Simplified Chinese wording for the class-validator constraints the calendar DTOs use. */
const CONSTRAINT_MESSAGES: Record<string, (limit: string | undefined) => string> = {
  isDefined: () => '必须填写',
  isString: () => '应为文本',
  isInt: () => '应为整数',
  isArray: () => '应为列表（数组）',
  isIso8601: () => '时间格式应为 ISO 8601，如 2026-03-02T09:00:00+08:00',
  min: (n) => `不能小于 ${n}`,
  max: (n) => `不能大于 ${n}`,
  minLength: (n) => `至少 ${n} 个字符`,
  maxLength: (n) => `不能超过 ${n} 个字符`,
  arrayMaxSize: (n) => `最多 ${n} 项`,
  whitelistValidation: () => '是不允许的字段',
};

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, original]) => ({
      field,
      code,
      message: `${field}：${CONSTRAINT_MESSAGES[code]?.(limitIn(original)) ?? original}`,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Transitional: class-validator DTOs of `calendar/calendar.controller.ts`, the last controller not
 * yet on zod (convert it with `ZodValidationPipe` and `createZodDto`, then delete this file and the
 * class-validator / class-transformer packages). Same 400 VALIDATION_FAILED shape as the zod pipe;
 * zod DTOs are left to `ZodValidationPipe`.
 */
export class ClassValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return !isZodDto(metadata.metatype) && super.toValidate(metadata);
  }
}
