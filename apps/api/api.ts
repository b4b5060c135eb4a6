import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { AppModule } from './app.module';
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
  // Every parameter typed with a zod DTO (nestjs-zod) is validated; one 400 VALIDATION_FAILED shape.
  app.useGlobalPipes(new ZodValidationPipe());
  app.useBodyParser('json', { limit: '1mb' });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('信用业务流程服务 Credit Procedures API')
      .setDescription(
        'Objections (异议), commitments (信用承诺), rectification and interviews (限期整改、约谈), ' +
          'credit repair (信用修复), list exit and joint reward and punishment (联合奖惩). ' +
          'Every endpoint except /health needs a bearer token.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  // Request schemas come from the zod DTOs; cleanupOpenApiDoc turns nestjs-zod's markers into plain OpenAPI.
  SwaggerModule.setup('docs', app, cleanupOpenApiDoc(document), { jsonDocumentUrl: 'docs-json' });
  return app;
}
