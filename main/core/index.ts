export * from './core.ts';
export * from './registry.ts';
export * from './paths.ts';
export * from './open-core.ts';
