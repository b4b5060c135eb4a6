export * from './dates';
export * from './identifiers';
export * from './record-lifecycle';
export * from './types';
