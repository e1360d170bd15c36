import { loadEngineKernels } from '../../main/wasm/load-kernels.ts';

// Every test file runs the engine as the app does: on the WebAssembly SIMD kernels, compiled from
// main/wasm/kernels.wat (LENET_ENGINE_KERNELS=typescript runs them all on the TypeScript reference).
await loadEngineKernels();
