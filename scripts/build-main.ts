import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { compileKernelsWat, KERNELS_WAT, KERNELS_WASM } from '../main/wasm/load-kernels.ts';

/**
 * Bundles the Electron main process and its preload into dist/main. Our own TypeScript is bundled;
 * packages stay external (the packaged app carries node_modules, and onnxruntime-node is native).
 * The preload is CommonJS and self-contained, as Electron's sandbox requires.
 */
const root = resolve(import.meta.dirname, '..');

/** `outDir` is relative to the project (the main process finds the renderer and models beside it). */
export async function buildMain(outDir = 'dist/main'): Promise<void> {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', absWorkingDir: root } as const;
  // import.meta.url means the bundle's own file, so URLs relative to it (worker scripts) resolve in dist/main.
  await build({
    ...common,
    entryPoints: ['main/electron/main.ts'],
    outfile: `${outDir}/main.cjs`,
    packages: 'external',
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  await build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: `${outDir}/preload.cjs`, external: ['electron'] });
  // Worker threads start from their own files, which the modules that spawn them look for beside the bundle.
  // The gradient worker finds the kernel module beside its own file, as the main bundle does.
  await build({
    ...common, entryPoints: ['main/parallel/gradient-worker.ts'], outfile: `${outDir}/gradient-worker.cjs`, packages: 'external',
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  await build({ ...common, entryPoints: ['main/samples/import-worker.ts'], outfile: `${outDir}/import-worker.cjs`, packages: 'external' });
  // The fine-tune worker awaits at top level, so it is an ES module; its import.meta.url is its own file.
  await build({ ...common, format: 'esm', entryPoints: ['main/training/fine-tune-worker.ts'], outfile: `${outDir}/fine-tune-worker.mjs`, packages: 'external' });
  await build({ ...common, format: 'esm', entryPoints: ['main/training/scratch-worker.ts'], outfile: `${outDir}/scratch-worker.mjs`, packages: 'external' });
  await build({ ...common, format: 'esm', entryPoints: ['main/core/top-activations-worker.ts'], outfile: `${outDir}/top-activations-worker.mjs`, packages: 'external' });
  await build({ ...common, format: 'esm', entryPoints: ['main/core/feature-vis-worker.ts'], outfile: `${outDir}/feature-vis-worker.mjs`, packages: 'external' });
  // The engine's SIMD kernels, compiled from their text format; every bundle above looks for them beside itself.
  await mkdir(resolve(root, outDir), { recursive: true });
  await writeFile(resolve(root, outDir, KERNELS_WASM), await compileKernelsWat(resolve(root, 'main/wasm', KERNELS_WAT)));
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  await buildMain();
  console.log(`built dist/main: main.cjs, preload.cjs, gradient-worker.cjs, import-worker.cjs, fine-tune-worker.mjs, scratch-worker.mjs, ${KERNELS_WASM}`);
}
