export * from './channels.ts';
export * from './schemas.ts';
export * from './contract.ts';
export * from './core-port.ts';
export * from './handlers.ts';
export * from './wire.ts';
