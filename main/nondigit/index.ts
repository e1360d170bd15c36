/** "Is this a digit at all?": degenerate-ink checks on the strokes and the reject head on F6 and the scores. Environment-free. */
export * from './shape.ts';
export * from './degenerate.ts';
export * from './features.ts';
export * from './head.ts';
export * from './verdict.ts';
export * from './look-alikes.ts';
export * from './stroke-figures.ts';
