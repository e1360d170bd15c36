import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { activeKernels, TYPESCRIPT_KERNELS, useKernels, type MatrixKernels } from '../engine/kernels/matrix-kernels.ts';
import { createWasmKernels } from '../engine/kernels/wasm-kernels.ts';

/**
 * Finds the engine's WebAssembly SIMD kernels and installs them for this thread. Built, the module is
 * kernels.wasm beside the bundle (scripts/build-main.ts compiles it from kernels.wat); run from source
 * (scripts, tests, browser mode), the .wat text is compiled here with wabt, a development dependency.
 * If neither works (no SIMD in this JavaScript engine, a missing file), the engine keeps its
 * TypeScript kernels, which compute the same numbers more slowly, and one line says why.
 */
export const KERNELS_WAT = 'kernels.wat';
export const KERNELS_WASM = 'kernels.wasm';

export type KernelChoice = 'wasm-simd' | 'typescript';

export interface KernelStatus {
  readonly kernels: KernelChoice;
  /** Where the module came from, or why the TypeScript kernels run. */
  readonly detail: string;
}

interface Wabt {
  parseWat(filename: string, text: string, features: Record<string, boolean>): {
    validate(): void;
    toBinary(options: Record<string, unknown>): { buffer: Uint8Array };
    destroy(): void;
  };
}

let wabtPromise: Promise<Wabt> | null = null;

/** Compiles the kernels' text format to the module's bytes (wabt's wat2wasm, as a library). */
export async function compileKernelsWat(watPath: string): Promise<Uint8Array> {
  wabtPromise ??= (createRequire(import.meta.url)('wabt') as () => Promise<Wabt>)();
  const wabt = await wabtPromise;
  const parsed = wabt.parseWat(watPath, readFileSync(watPath, 'utf8'), { simd: true });
  try {
    parsed.validate();
    // the names section lets a CPU profile name each kernel function
    return parsed.toBinary({ write_debug_names: true }).buffer;
  } finally {
    parsed.destroy();
  }
}

/** The kernel module's bytes for this build: the compiled file beside the bundle, or the source compiled now. */
export async function kernelModuleBytes(): Promise<{ bytes: Uint8Array; from: string }> {
  const here = import.meta.url;
  const wat = new URL(`./${KERNELS_WAT}`, here);
  if (here.endsWith('.ts') && existsSync(fileURLToPath(wat))) {
    return { bytes: await compileKernelsWat(fileURLToPath(wat)), from: `${fileURLToPath(wat)} (compiled at load)` };
  }
  const wasm = fileURLToPath(new URL(`./${KERNELS_WASM}`, here));
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing from the build`);
  return { bytes: readFileSync(wasm), from: wasm };
}

let loaded: Promise<MatrixKernels> | null = null;
let reported = false;

export interface LoadOptions {
  /** Default: the SIMD kernels, unless the environment sets LENET_ENGINE_KERNELS=typescript. */
  readonly want?: KernelChoice;
  /** Where the failure line goes (default: stderr). */
  readonly log?: (line: string) => void;
  /** Where the module's bytes come from (default: kernelModuleBytes). */
  readonly source?: () => Promise<{ bytes: Uint8Array; from: string }>;
}

/** The kernels `want` names (the module instantiated once per thread), or the TypeScript ones and why. */
export async function engineKernels(options: LoadOptions = {}): Promise<KernelStatus & { readonly instance: MatrixKernels }> {
  const want = options.want ?? (process.env.LENET_ENGINE_KERNELS === 'typescript' ? 'typescript' : 'wasm-simd');
  if (want === 'typescript') return { kernels: 'typescript', detail: 'the TypeScript kernels were asked for', instance: TYPESCRIPT_KERNELS };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let from = 'loaded before';
  const attempt = options.source || !loaded
    ? (async () => {
        const got = await (options.source ?? kernelModuleBytes)();
        from = got.from;
        return createWasmKernels(got.bytes);
      })()
    : loaded;
  if (!options.source) loaded = attempt;
  try {
    const instance = await attempt;
    return { kernels: 'wasm-simd', detail: from, instance };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    // said once per thread: the failed attempt is kept, so later loads (every model opened) fall back quietly
    if (options.source || !reported) log(`engine: the WebAssembly SIMD kernels could not be loaded (${reason}); using the TypeScript kernels, which compute the same numbers more slowly`);
    if (!options.source) reported = true;
    return { kernels: 'typescript', detail: reason, instance: TYPESCRIPT_KERNELS };
  }
}

/** Installs the kernels `want` names as this thread's default and says which run. */
export async function loadEngineKernels(options: LoadOptions = {}): Promise<KernelStatus> {
  const { kernels, detail, instance } = await engineKernels(options);
  useKernels(instance);
  return { kernels, detail };
}

/** The kernels this thread runs by default now. */
export function kernelsInUse(): KernelChoice {
  return activeKernels().name;
}
