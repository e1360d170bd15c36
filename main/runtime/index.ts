/** ONNX Runtime side of the core: loading model folders, predicting with feature maps, evaluating, parity. */
export * from './model-runtime.ts';
export * from './evaluate.ts';
export * from './parity.ts';
