/** The convolution lab's numerics: small matrices through the engine's ops, worked sums, the layer calculator. */
export * from './activation.ts';
export * from './formula.ts';
export * from './unit-sum.ts';
export * from './convolve.ts';
export * from './presets.ts';
export * from './calculator.ts';
export * from './network-sum.ts';
