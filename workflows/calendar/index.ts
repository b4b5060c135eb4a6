export * from './types';
export * from './working-days';
