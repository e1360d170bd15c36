import { join } from 'node:path';
import { ModelVersions } from '../versions/versions.ts';
import { ModelRuntime } from '../runtime/model-runtime.ts';
import { SampleStore, samplesDir } from '../samples/index.ts';
import { replayPath } from '../training/index.ts';
import { createCore, type Core, type CoreOptions } from './core.ts';
import { modelRoots } from '../versions/paths.ts';

export interface OpenCoreOptions {
  /** native-models/ (in a packaged app: process.resourcesPath/native-models). */
  readonly bundledModelsDir: string;
  /** The app's data folder (Electron's userData, or browser mode's --data-dir): samples and personal models. */
  readonly dataDir?: string;
  readonly version: string;
  /** The shell serving the core, for appInfo. */
  readonly transport: CoreOptions['transport'];
  readonly versions?: Record<string, string>;
  readonly warn?: (message: string) => void;
}

/**
 * The core as the app runs it: model folders served by ONNX Runtime, the modern model active first; with
 * a data folder, the person's samples, model versions (the active one remembered) and fine-tuning.
 */
export async function openCore(options: OpenCoreOptions): Promise<Core> {
  const warn = options.warn ?? (() => undefined);
  let personal: CoreOptions['personal'];
  if (options.dataDir) {
    const store = await SampleStore.open(samplesDir(options.dataDir));
    const report = store.openReport;
    if (report.sweptTempFiles.length > 0) warn(`removed ${report.sweptTempFiles.length} temporary file(s) an interrupted save left in ${store.root}`);
    for (const s of report.setAside) warn(`sample file ${s.file} was not a valid sample and was set aside in ${s.movedTo}: ${s.reason}`);
    const versions = await ModelVersions.open({ bundledDir: options.bundledModelsDir, dataDir: options.dataDir, defaultId: 'modern' });
    personal = { store, versions, replay: replayPath(options.bundledModelsDir) };
  }
  return createCore({
    roots: modelRoots(options.bundledModelsDir, options.dataDir),
    loadModel: (dir) => ModelRuntime.load(dir),
    version: options.version,
    transport: options.transport,
    versions: options.versions,
    defaultModelId: 'modern',
    warn,
    personal,
    mnistDir: options.bundledModelsDir,
    ...(options.dataDir ? { cacheDir: join(options.dataDir, 'cache', 'models') } : {}),
  });
}
