// validation.ts (zod) is deliberately not exported here: workflow code never needs it.
export * from './types';
export * from './presets';
export * from './resolve';
