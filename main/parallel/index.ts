/** Data-parallel training over Node worker threads, on top of the environment-free engine. */
export * from './trainer.ts';
export * from './pool.ts';
export * from './thread-kernels.ts';
