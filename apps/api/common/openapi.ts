import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiBody, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { IS_PUBLIC, REQUIRED_ROLES } from '../auth/auth.decorators';
import type { Role } from '../auth/roles';

/** `@ApiBody` with the body's schema (from its zod DTO) and an example request to try. */
export const ApiBodyExample = (type: Type<unknown>, value: Record<string, unknown>) =>
  ApiBody({ type, examples: { example: { value } } });

/** Name of the error body's schema in `components.schemas` (see error.filter.ts). */
export const ERROR_SCHEMA = 'ApiError';

const ERROR_BODY = {
  type: 'object',
  description:
    'Every refusal: a stable machine code and a Simplified Chinese message; VALIDATION_FAILED carries ' +
    'details.fields[] ({ field, code, message }).',
  properties: {
    code: { type: 'string', description: 'Stable machine code (UPPER_SNAKE)', example: 'VALIDATION_FAILED' },
    message: {
      type: 'string',
      description: 'Simplified Chinese',
      example: '提交的内容有误：reason：必须填写',
    },
    details: { description: 'Depends on the code, e.g. { fields: [{ field, code, message }] }' },
  },
  required: ['code', 'message'],
};

/** Codes every operation of a kind can answer, whatever its controller documents besides. */
const GENERIC_CODES = {
  input: 'VALIDATION_FAILED, BAD_REQUEST (malformed path parameter)',
  body: 'INVALID_JSON (the body is not JSON)',
  auth: 'AUTH_REQUIRED, AUTH_INVALID_TOKEN',
  role: 'AUTH_FORBIDDEN_ROLE',
  tooLarge: 'PAYLOAD_TOO_LARGE (more than 1 MB)',
};

const RESPONSE_NAMES: Record<string, string> = {
  '400': 'Bad request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not found',
  '409': 'Conflict',
  '413': 'Payload too large',
  '422': 'Unprocessable',
  '503': 'Service unavailable',
};

interface HandlerAccess {
  public: boolean;
  roles?: Role[];
}

/**
 * The access rules the auth guard applies, per operation id (`<Controller>_<method>`, swagger's
 * default): read from the same `@Public()` / `@Roles()` metadata, so the document cannot drift.
 */
function accessByOperationId(app: INestApplication): Map<string, HandlerAccess> {
  const access = new Map<string, HandlerAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const handler = proto[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const meta = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T);
        access.set(`${controller.name}_${method}`, {
          public: meta<boolean>(IS_PUBLIC) === true,
          roles: meta<Role[]>(REQUIRED_ROLES),
        });
      }
    }
  }
  return access;
}

/** `idempotency-key` → `Idempotency-Key`: header names are case-insensitive; one spelling per header. */
const canonicalHeader = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');

/**
 * One parameter per header: `@Headers('idempotency-key')` and `@ApiHeader({ name: 'Idempotency-Key' })`
 * describe the same header; the documented one (with a description) wins.
 */
function mergeHeaders(parameters: ParameterObject[]): ParameterObject[] {
  const merged: ParameterObject[] = [];
  const byName = new Map<string, ParameterObject>();
  for (const parameter of parameters) {
    if (parameter.in !== 'header') {
      merged.push(parameter);
      continue;
    }
    const name = canonicalHeader(parameter.name);
    const earlier = byName.get(name);
    if (!earlier) {
      const header = { ...parameter, name };
      byName.set(name, header);
      merged.push(header);
    } else if (parameter.description && !earlier.description) {
      Object.assign(earlier, { ...parameter, name });
    }
  }
  return merged;
}

function addCodes(
  operation: OperationObject,
  status: string,
  codes: string,
  when: (description: string) => boolean = () => true,
): void {
  const responses = operation.responses as Record<string, ResponseObject>;
  const existing = responses[status];
  if (!existing) {
    responses[status] = { description: codes };
  } else if (when(existing.description)) {
    const missing = codes.split(', ').filter((code) => !existing.description.includes(code.split(' ')[0]));
    if (missing.length > 0) existing.description = [existing.description, ...missing].join(', ');
  }
}

/**
 * Completes what the decorators leave out: public operations need no token (`security: []`), the
 * roles the guard requires (`x-roles`), one parameter per header, and the errors every operation
 * can answer, each with the error body's schema.
 */
function completeOperations(doc: OpenAPIObject, access: Map<string, HandlerAccess>): void {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, [ERROR_SCHEMA]: ERROR_BODY } };
  const errorContent = { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } };
  for (const item of Object.values(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const rules = access.get(operation.operationId ?? '');
      if (!rules) throw new Error(`OpenAPI: no handler found for operation ${operation.operationId}`);
      operation.security = rules.public ? [] : [{ bearer: [] }];
      if (rules.roles) (operation as unknown as Record<string, unknown>)['x-roles'] = rules.roles;
      operation.parameters = mergeHeaders((operation.parameters ?? []) as ParameterObject[]);
      if (operation.parameters.length === 0) delete operation.parameters;
      operation.responses ??= {};
      if (operation.parameters || operation.requestBody) addCodes(operation, '400', GENERIC_CODES.input);
      if (operation.requestBody) {
        addCodes(operation, '400', GENERIC_CODES.body);
        addCodes(operation, '413', GENERIC_CODES.tooLarge);
      }
      if (!rules.public) addCodes(operation, '401', GENERIC_CODES.auth);
      if (rules.roles) addCodes(operation, '403', GENERIC_CODES.role);
      for (const [status, response] of Object.entries(
        operation.responses as Record<string, ResponseObject>,
      )) {
        if (Number(status) < 400) continue;
        if (!response.description) response.description = RESPONSE_NAMES[status] ?? `HTTP ${status}`;
        response.content ??= errorContent; // (health's 503 has its own body)
      }
    }
  }
}

/**
 * The OpenAPI document of the API: request schemas from the zod DTOs (cleanupOpenApiDoc turns
 * nestjs-zod's markers into plain OpenAPI), completed with access rules and error responses.
 * Served at /docs-json and written to docs/openapi.json by `npm run openapi`.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('信用业务流程服务 Credit Procedures API')
      .setDescription(
        'Objections (异议), commitments (信用承诺), rectification and interviews (限期整改、约谈), ' +
          'credit repair (信用修复), list exit and joint reward and punishment (联合奖惩). ' +
          'Every endpoint needs a bearer token except those with `security: []` (health, the public ' +
          'columns, the applicant’s look-ups and online applications). `x-roles`: the roles one of ' +
          'which the caller must hold. Errors: { code, message, details? } (ApiError), messages in ' +
          'Simplified Chinese.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer')
      .build(),
  );
  const cleaned = cleanupOpenApiDoc(document);
  completeOperations(cleaned, accessByOperationId(app));
  return cleaned;
}

/** Objects with their keys sorted (arrays keep their order): the same document, the same text. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The text of docs/openapi.json: keys sorted, two-space indent, final newline. */
export const openApiJson = (doc: OpenAPIObject) => `${JSON.stringify(sortedKeys(doc), null, 2)}\n`;
