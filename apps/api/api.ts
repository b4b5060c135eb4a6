import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { answerMalformedRequests, refuseDeepJson } from './common/request-limits';
import { buildOpenApiDocument } from './common/openapi';
import { ZodValidationPipe } from './common/validation';
import type { ApiRuntime } from './core/runtime';

/** Builds the HTTP API (not yet listening): validation, errors, auth, OpenAPI at /docs and /docs-json. */
export async function createApiApp(runtime: ApiRuntime): Promise<INestApplication> {
  // Nest's own start-up chatter (module and route listings) stays off the operator's console;
  // from here on everything logs through pino at LOG_LEVEL.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
    logger: ['error', 'warn'],
  });
  app.useLogger(app.get(Logger));
  // The client's address for the per-client rate limits (common/throttling.ts): behind a reverse
  // proxy, TRUST_PROXY names it, so that X-Forwarded-For is believed from it only.
  app.set('trust proxy', runtime.config.http.trustProxy);
  app.disable('x-powered-by');
  // Security headers on every answer; helmet's default CSP lets the Swagger UI at /docs load
  // (its script is a file of its own, its styles inline, its icons data: URLs).
  app.use(helmet());
  // Every parameter typed with a zod DTO (nestjs-zod) is validated; one 400 VALIDATION_FAILED shape.
  app.useGlobalPipes(new ZodValidationPipe());
  app.useBodyParser('json', { limit: '1mb', verify: refuseDeepJson });
  answerMalformedRequests(app.getHttpServer());
  app.enableShutdownHooks();

  // Request schemas from the zod DTOs, access rules and errors completed (common/openapi.ts).
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}
