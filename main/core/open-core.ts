import { ModelRuntime } from '../runtime/model-runtime.ts';
import { createCore, type Core, type CoreOptions } from './core.ts';
import { modelRoots } from './paths.ts';

export interface OpenCoreOptions {
  /** native-models/ (in a packaged app: process.resourcesPath/native-models). */
  readonly bundledModelsDir: string;
  /** The app's data folder (Electron's userData, or browser mode's --data-dir). */
  readonly dataDir?: string;
  readonly version: string;
  readonly versions?: Record<string, string>;
  readonly warn?: (message: string) => void;
}

/** The core as the app runs it: model folders served by ONNX Runtime, the modern model active first. */
export function openCore(options: OpenCoreOptions): Promise<Core> {
  const core: CoreOptions = {
    roots: modelRoots(options.bundledModelsDir, options.dataDir),
    loadModel: (dir) => ModelRuntime.load(dir),
    version: options.version,
    versions: options.versions,
    defaultModelId: 'modern',
    warn: options.warn,
  };
  return createCore(core);
}
