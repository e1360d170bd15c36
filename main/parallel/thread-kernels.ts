import { loadEngineKernels, type KernelStatus } from '../wasm/load-kernels.ts';

/**
 * Installs the engine's fast kernels (or the TypeScript ones where they cannot load, or when
 * LENET_ENGINE_KERNELS=typescript asks) as the default of a worker thread, for the networks it builds
 * outside a gradient pool (measuring a model before and after training, say). The pool's own threads
 * load theirs themselves.
 */
export function useEngineKernelsInThisThread(): Promise<KernelStatus> {
  return loadEngineKernels();
}
