import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditController } from './audit/audit.controller';
import { AuditMiddleware } from './audit/audit.middleware';
import { AuditTrail } from './audit/audit-trail';
import { apiLoggerOptions } from './audit/request-logging';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/tokens';
import { ErrorFilter } from './common/error.filter';
import { PublicThrottlerGuard, publicThrottlerOptions } from './common/throttling';
import { apiLogOutput } from './core/log-output';
import { APP_CONFIG, ApiRuntime, TEMPORAL_CLIENT, TEMPORAL_PROBE, WORKER_STATUS } from './core/runtime';
import { DataSource } from 'typeorm';
import { CalendarStore } from '../../activities/calendar/calendar-store';
import { PolicyStore } from '../../activities/policies/policy-store';
import { CalendarController } from './calendar/calendar.controller';
import { HealthController } from './health/health.controller';
import { JurisdictionsModule } from './jurisdictions/jurisdictions.module';
import { PoliciesController } from './policies/policies.controller';
import { MeController } from './me/me.controller';
import { CommitmentsModule } from './commitments/commitments.module';
import { ObjectionsModule } from './objections/objections.module';
import { RectificationsModule } from './rectifications/rectifications.module';
import { RegistryModule } from './registry/registry.module';
import { RepairsModule } from './repairs/repairs.module';
import { SupervisionModule } from './supervision/supervision.module';
import { ConsoleModule } from './console/console.module';

/** Process-wide providers: configuration, Temporal client, worker status, token service. */
@Global()
@Module({})
class RuntimeModule {
  static register(runtime: ApiRuntime): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: TEMPORAL_CLIENT, useValue: runtime.temporal },
      { provide: TEMPORAL_PROBE, useValue: runtime.temporalProbe },
      { provide: WORKER_STATUS, useValue: runtime.workerStatus },
      { provide: TokenService, useValue: runtime.tokens },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes('*path');
  }

  static register(runtime: ApiRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.register(runtime),
        // JSON lines, or pretty ones on a terminal; Nest's route listing at debug (core/log-output.ts).
        LoggerModule.forRoot({ pinoHttp: apiLogOutput(apiLoggerOptions(runtime.config.logLevel)) }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...runtime.dataSource.options }),
          dataSourceFactory: async () => runtime.dataSource,
        }),
        // Limits of the public (no-token) endpoints marked @PublicRateLimit() (common/throttling.ts).
        ThrottlerModule.forRoot(publicThrottlerOptions(runtime.config.throttle)),
        RegistryModule,
        ObjectionsModule,
        CommitmentsModule,
        RectificationsModule,
        RepairsModule,
        SupervisionModule,
        JurisdictionsModule,
        ConsoleModule,
      ],
      controllers: [HealthController, MeController, AuditController, CalendarController, PoliciesController],
      providers: [
        AuditTrail,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: PublicThrottlerGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        {
          provide: CalendarStore,
          useFactory: (ds: DataSource) => new CalendarStore(ds),
          inject: [DataSource],
        },
        { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
      ],
    };
  }
}
