export * from './money';
export * from './ids';
export * from './topics';
export * from './events/envelope';
export * from './events/shared';
export * from './events/orders';
export * from './events/registry';
export * from './errors';
