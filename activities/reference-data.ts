import type { DataSource } from 'typeorm';
import { CalendarStore } from './calendar/calendar-store';
import { PolicyStore } from './policies/policy-store';

/** Seeds the calendar years from chinese-days and the policy presets (idempotent; run at start). */
export async function seedReferenceData(
  dataSource: DataSource,
): Promise<{ calendarYears: number; policyVersions: number }> {
  const calendarYears = await new CalendarStore(dataSource).seedFromPackage();
  const policyVersions = await new PolicyStore(dataSource).seedPresets();
  return { calendarYears, policyVersions };
}
