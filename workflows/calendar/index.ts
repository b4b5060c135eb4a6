export * from './types';
export * from './calendar-error';
export * from './statutory-holidays';
export * from './working-days';
