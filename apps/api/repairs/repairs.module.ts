import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { RepairApplicationsController } from './repair-applications.controller';
import { RepairApplicationsService } from './repair-applications.service';
import { RepairsController } from './repairs.controller';
import { RepairsService } from './repairs.service';

/**
 * The credit repair procedure's API (信用修复). The applicant's controller comes first: its
 * static paths under `api/repairs` must be routed before the staff controller's `:id` routes.
 */
@Module({
  controllers: [RepairApplicationsController, RepairsController],
  providers: [
    RepairApplicationsService,
    RepairsService,
    { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
  ],
})
export class RepairsModule {}
