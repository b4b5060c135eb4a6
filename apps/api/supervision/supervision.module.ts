import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarStore } from '../../../activities/calendar/calendar-store';
import { SupervisionController } from './supervision.controller';
import { SupervisionService } from './supervision.service';

/** The supervision board (督查) over every procedure: see SupervisionController. */
@Module({
  controllers: [SupervisionController],
  providers: [
    SupervisionService,
    { provide: CalendarStore, useFactory: (ds: DataSource) => new CalendarStore(ds), inject: [DataSource] },
  ],
})
export class SupervisionModule {}
