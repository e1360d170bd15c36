/** Attribution for one drawing: one small pure function per method (numbers from the engine, or from a classify callback the core backs with ONNX Runtime). */
export * from './target.ts';
export * from './saliency.ts';
export * from './integrated-gradients.ts';
export * from './occlusion.ts';
export * from './stroke-what-if.ts';
export * from './top-activations.ts';
export * from './feature-vis.ts';
export * from './pre-activations.ts';
