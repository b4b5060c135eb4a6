export * from './types';
export * from './presets';
export * from './resolve';
