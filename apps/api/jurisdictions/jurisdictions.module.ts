import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyStore } from '../../../activities/policies/policy-store';
import { JurisdictionsController } from './jurisdictions.controller';

/** GET /api/jurisdictions: the department directory with the policies in force. */
@Module({
  controllers: [JurisdictionsController],
  providers: [
    { provide: PolicyStore, useFactory: (ds: DataSource) => new PolicyStore(ds), inject: [DataSource] },
  ],
})
export class JurisdictionsModule {}
