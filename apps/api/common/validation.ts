import { ArgumentMetadata, Injectable, Optional, PipeTransform } from '@nestjs/common';
import type { ZodIssue, ZodTypeAny } from 'zod';
import type { ApiError } from './errors';
import { badRequest } from './errors';

/** One refused field of a 400 VALIDATION_FAILED: `details.fields[]`. */
export interface FieldError {
  /** Path of the field, e.g. `applicant.name`, `persons[1].code`, `limit`. */
  field: string;
  /** Stable machine code of the rule that failed (zod issue code, or the schema's own code). */
  code: string;
  /** Simplified Chinese, naming the field and saying what is expected. */
  message: string;
}

/** The only way the API answers malformed input: 400 VALIDATION_FAILED with the refused fields. */
export function validationFailed(fields: FieldError[]): ApiError {
  return badRequest('VALIDATION_FAILED', `提交的内容有误：${fields.map((f) => f.message).join('；')}`, {
    fields,
  });
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  integer: '整数',
  bigint: '整数',
  boolean: 'true 或 false',
  array: '列表（数组）',
  object: '对象',
  date: '日期',
};

/** What a string format looks like, for "格式应为 …" messages. */
const STRING_FORMATS: Record<string, string> = {
  date: '日期格式应为 YYYY-MM-DD（且是实际存在的日期）',
  datetime: '时间格式应为 ISO 8601，带时区，如 2026-03-02T09:00:00+08:00',
  uuid: '格式应为 UUID，如 3f1c7a52-8d4e-4b7a-9c1e-2a6b5d4e3f21',
  email: '格式应为电子邮件地址',
  url: '格式应为网址',
};

/** What a string check expected: the schema's own wording (a regex's message), else the format's. */
function stringFormat(issue: Extract<ZodIssue, { code: 'invalid_string' }>): string {
  const { validation } = issue;
  if (typeof validation === 'string' && STRING_FORMATS[validation]) return STRING_FORMATS[validation];
  if (issue.message && !issue.message.startsWith('Invalid')) return issue.message;
  if (typeof validation === 'object') {
    if ('startsWith' in validation) return `应以“${validation.startsWith}”开头`;
    if ('endsWith' in validation) return `应以“${validation.endsWith}”结尾`;
    if ('includes' in validation) return `应包含“${validation.includes}”`;
  }
  return validation === 'regex'
    ? '格式不符合该字段的规定（见接口文档中的格式说明）'
    : `格式应为 ${validation}`;
}

function sizeLimit(issue: Extract<ZodIssue, { code: 'too_small' | 'too_big' }>): string {
  const n = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const small = issue.code === 'too_small';
  switch (issue.type) {
    case 'string':
      if (small && n === '1') return '必须填写';
      if (issue.exact) return `长度应为 ${n} 个字符`;
      return small ? `至少 ${n} 个字符` : `不能超过 ${n} 个字符`;
    case 'array':
    case 'set':
      if (small && n === '1') return '至少需要一项';
      return small ? `至少需要 ${n} 项` : `最多 ${n} 项`;
    default:
      if (small) return issue.inclusive ? `不能小于 ${n}` : `必须大于 ${n}`;
      return issue.inclusive ? `不能大于 ${n}` : `必须小于 ${n}`;
  }
}

/** The Chinese rule behind one zod issue, without the field name. */
export function describeIssue(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return '必须填写';
      if (issue.received === 'nan') return `应为${TYPE_NAMES.number}`;
      if (issue.received === 'null')
        return `不能为空值（null），应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return `应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
    case 'too_big':
      return sizeLimit(issue);
    case 'invalid_enum_value':
      return `不是允许的取值（可选：${issue.options.join('、')}）`;
    case 'invalid_literal':
      return `应为 ${JSON.stringify(issue.expected)}`;
    case 'invalid_string':
      return stringFormat(issue);
    case 'invalid_date':
      return '不是有效的日期';
    case 'not_multiple_of':
      return `应为 ${String(issue.multipleOf)} 的整数倍`;
    case 'not_finite':
      return '应为有限的数字';
    case 'invalid_union': {
      // Say every accepted form, each as its own first refusal says it.
      const forms = [
        ...new Set(issue.unionErrors.map((e) => (e.issues[0] ? describeIssue(e.issues[0]) : ''))),
      ];
      return `应符合以下任一要求：${forms.filter(Boolean).join('；或')}`;
    }
    case 'invalid_union_discriminator':
      return `应为以下取值之一：${issue.options.map((o) => String(o)).join('、')}`;
    case 'custom':
      return issue.message;
    default:
      return '不符合要求';
  }
}

/** `persons.1.code` → `persons[1].code` (array positions as the calendar and registry name them). */
function fieldName(path: (string | number)[]): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}

/**
 * One field error per refused field; an unknown key is reported as the field itself. `root` names
 * the validated value when it is one parameter (`@Param('no', pipe)`), not an object of fields.
 */
export function fieldErrors(issues: readonly ZodIssue[], root?: string): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const path = root ? [root, ...issue.path] : issue.path;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const field = fieldName([...path, key]);
        return { field, code: issue.code, message: `${field}：是不允许的字段` };
      });
    }
    const field = fieldName(path) || '(请求体)';
    const params = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined) : undefined;
    const code = typeof params?.code === 'string' ? params.code : issue.code;
    return [{ field, code, message: `${field}：${describeIssue(issue)}` }];
  });
}

interface ZodDtoClass {
  isZodDto: true;
  schema: ZodTypeAny;
}

export function isZodDto(metatype: unknown): metatype is ZodDtoClass {
  return typeof metatype === 'function' && (metatype as Partial<ZodDtoClass>).isZodDto === true;
}

/**
 * Validates a body, query or route parameter with zod; malformed input is a 400 VALIDATION_FAILED
 * (see `validationFailed`). Global (no schema): validates parameters typed with a DTO made by
 * `createZodDto` (nestjs-zod), and leaves everything else alone. With a schema: validates with it,
 * e.g. `@Query(new ZodValidationPipe(schema))`, or one named parameter, whose name is then the
 * field's: `@Param('id', new ZodValidationPipe(uuid()))`.
 */
@Injectable()
export class ZodValidationPipe<S extends ZodTypeAny = ZodTypeAny> implements PipeTransform {
  constructor(@Optional() private readonly schema?: S) {}

  transform(value: unknown, metadata?: ArgumentMetadata): unknown {
    const schema = this.schema ?? (isZodDto(metadata?.metatype) ? metadata.metatype.schema : undefined);
    if (!schema) return value;
    // Without a JSON body express leaves `req.body` undefined: validate it as an empty object.
    const parsed = schema.safeParse(value ?? {});
    if (!parsed.success) throw validationFailed(fieldErrors(parsed.error.issues, metadata?.data));
    return parsed.data;
  }
}
