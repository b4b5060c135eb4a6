import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { CommitmentsController } from './commitments.controller';
import { CommitmentsService } from './commitments.service';
import { PublicCommitmentsController } from './public-commitments.controller';

/** The commitment procedure's API (信用承诺): see CommitmentsController and the public 专栏. */
@Module({
  controllers: [CommitmentsController, PublicCommitmentsController],
  providers: [
    CommitmentsService,
    { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
  ],
})
export class CommitmentsModule {}
