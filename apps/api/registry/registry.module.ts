import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createRegistry } from '../../../activities/registry';
import { CreditChecksController } from './credit-checks.controller';
import { ListsController } from './lists.controller';
import { MeasuresController } from './measures.controller';
import { PublicRecordsController } from './public-records.controller';
import { RecordsController } from './records.controller';
import { REGISTRY } from './registry.token';
import { SubjectsController } from './subjects.controller';

/**
 * The credit registry API: subjects, records, lists, measures, 逢办必查 checks and the public view.
 * The logic lives in activities/registry (framework-free, shared with Temporal activities).
 */
@Module({
  controllers: [
    SubjectsController,
    RecordsController,
    ListsController,
    MeasuresController,
    CreditChecksController,
    PublicRecordsController,
  ],
  providers: [
    { provide: REGISTRY, useFactory: (ds: DataSource) => createRegistry(ds), inject: [DataSource] },
  ],
})
export class RegistryModule {}
