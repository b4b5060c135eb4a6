import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { RectificationsController } from './rectifications.controller';
import { RectificationsService } from './rectifications.service';

/** The rectification procedure's API (限期整改、约谈): see RectificationsController. */
@Module({
  controllers: [RectificationsController],
  providers: [
    RectificationsService,
    { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
  ],
})
export class RectificationsModule {}
