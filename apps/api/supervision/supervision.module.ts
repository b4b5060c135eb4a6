import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarStore } from '../../../activities/calendar/calendar-store';
import { SupervisionReportsController } from './supervision-reports.controller';
import { SupervisionReportsService } from './supervision-reports.service';
import { SupervisionController } from './supervision.controller';
import { SupervisionService } from './supervision.service';

/** The supervision board (督查) over every procedure (SupervisionController) and its quarterly reports. */
@Module({
  controllers: [SupervisionController, SupervisionReportsController],
  providers: [
    SupervisionService,
    SupervisionReportsService,
    { provide: CalendarStore, useFactory: (ds: DataSource) => new CalendarStore(ds), inject: [DataSource] },
  ],
})
export class SupervisionModule {}
