import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { ObjectionsController } from './objections.controller';
import { ObjectionsService } from './objections.service';

/** The objection procedure's API (异议处理): see ObjectionsController. */
@Module({
  controllers: [ObjectionsController],
  providers: [
    ObjectionsService,
    { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
  ],
})
export class ObjectionsModule {}
