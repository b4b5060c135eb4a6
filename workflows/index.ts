/**
 * Every workflow the worker runs. The worker bundles this file for Temporal's deterministic
 * sandbox, so it (and everything it imports) must stay free of Node, NestJS and I/O.
 */
export { commitment } from './commitment/commitment';
export { creditRepair } from './repair/repair';
export { calendarChangeFanOut } from './calendar-change/calendar-change-fan-out';
export { registryMaintenance } from './maintenance/registry-maintenance';
export { registryMaintenancePass } from './maintenance/registry-maintenance-pass';
export { platformOutboxRelay } from './maintenance/platform-outbox-relay';
export { objection } from './objection/objection';
export { providerVerification } from './objection/provider-verification';
export { rectification } from './rectification/rectification';
export { quarterlyReports, quarterlyReportsPass } from './supervision/quarterly-reports';
