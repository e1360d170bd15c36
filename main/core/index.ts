export * from './core.ts';
export * from '../versions/registry.ts';
export * from '../versions/paths.ts';
export * from './open-core.ts';
