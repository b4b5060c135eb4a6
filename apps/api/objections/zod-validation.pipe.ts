import { PipeTransform } from '@nestjs/common';
import type { z, ZodIssue, ZodTypeAny } from 'zod';
import { badRequest } from '../common/errors';

function messageOf(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? '必须填写' : '类型不正确';
    case 'too_small':
      return issue.type === 'array' ? '项数太少' : issue.type === 'string' ? '不能为空或太短' : '太小';
    case 'too_big':
      return issue.type === 'array' ? '项数太多' : issue.type === 'string' ? '太长' : '太大';
    case 'invalid_enum_value':
      return `不是允许的取值（可选：${issue.options.join('、')}）`;
    case 'unrecognized_keys':
      return `不允许的字段：${issue.keys.join('、')}`;
    case 'invalid_string':
      return '格式不正确';
    case 'invalid_union':
      return '格式不正确';
    case 'custom':
      return issue.message;
    default:
      return '不符合要求';
  }
}

/** Validates a body or query with a zod schema; 400 VALIDATION_FAILED with field-level Chinese messages. */
export class ZodValidationPipe<S extends ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data as z.infer<S>;
    const fields = parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || '(请求体)';
      return { field, code: issue.code, message: `${field}：${messageOf(issue)}` };
    });
    throw badRequest('VALIDATION_FAILED', `提交的内容有误：${fields.map((f) => f.message).join('；')}`, {
      fields,
    });
  }
}
