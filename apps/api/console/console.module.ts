import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalendarStore } from '../../../activities/calendar/calendar-store';
import { ConsoleCaseEntry } from './console-case-entry';
import { ConsoleController } from './console.controller';

/** The browser console at `/` (see ConsoleController). */
@Module({
  controllers: [ConsoleController],
  providers: [
    ConsoleCaseEntry,
    { provide: CalendarStore, useFactory: (ds: DataSource) => new CalendarStore(ds), inject: [DataSource] },
  ],
})
export class ConsoleModule {}
