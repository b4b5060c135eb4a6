export * from './adapters';
export * from './outbox';
export * from './push';
