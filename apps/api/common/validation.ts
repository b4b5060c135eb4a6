import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from './errors';

/** Simplified Chinese wording for the class-validator constraints our DTOs use. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  isNotEmpty: '不能为空',
  isDefined: '必须填写',
  isString: '必须是文本',
  isInt: '必须是整数',
  isNumber: '必须是数字',
  isBoolean: '必须是 true 或 false',
  isIn: '不是允许的取值',
  isEnum: '不是允许的取值',
  isISO8601: '必须是 ISO 8601 日期或时间',
  isDateString: '必须是 ISO 8601 日期或时间',
  min: '小于允许的最小值',
  max: '大于允许的最大值',
  minLength: '太短',
  maxLength: '太长',
  length: '长度不符合要求',
  matches: '格式不正确',
  isArray: '必须是数组',
  arrayNotEmpty: '至少需要一项',
  arrayMinSize: '项数太少',
  arrayMaxSize: '项数太多',
  isUUID: '必须是 UUID',
  isEmail: '必须是电子邮件地址',
  whitelistValidation: '是不允许的字段',
  nestedValidation: '必须是对象',
};

export interface FieldError {
  field: string;
  constraint: string;
  message: string;
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, original]) => ({
      field,
      constraint,
      // Custom validators already speak Chinese; fall back to the library's text otherwise.
      message: `${field}：${CONSTRAINT_MESSAGES[constraint] ?? original}`,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Validates DTOs at the edge: unknown fields rejected, types converted, 400 with field-level errors. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return badRequest('VALIDATION_FAILED', `提交的内容有误：${fields.map((f) => f.message).join('；')}`, {
        fields,
      });
    },
  });
}
