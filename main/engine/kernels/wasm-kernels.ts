import type { MatrixKernels, UnrollGeometry, Unrolling } from './matrix-kernels.ts';

/**
 * The slice of the WebAssembly JavaScript API used here. Reached through globalThis because the engine
 * compiles both against Node's types (which do not declare it) and the DOM's (which do).
 */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
interface KernelExports {
  readonly memory: WasmMemory;
  readonly heap_base: { readonly value: number };
  gemm(flags: number, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void;
  im2col: UnrollExport;
  col2im_add: UnrollExport;
  bias_act(out: number, ld: number, images: number, O: number, P: number, bias: number, relu: number, dst: number): void;
}
type UnrollExport = (x: number, images: number, C: number, H: number, W: number, kh: number, kw: number,
  padH: number, padW: number, outH: number, outW: number, cols: number, ld: number) => void;

const PAGE = 65536;
const TRANS_A = 1, TRANS_B = 2, ACCUMULATE = 4;

function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('this JavaScript engine has no WebAssembly');
  return api;
}

/**
 * The SIMD matrix kernels (main/wasm/kernels.wat, compiled) bound to their own linear memory. Operands
 * that live in that memory (the views workspace() hands out) are read in place; any other Float32Array
 * is copied into a staging area before the product and, for C, back after it. Memory layout above the
 * module's packing buffers: [staging | workspace]. Memory only grows inside workspace(), or inside gemm
 * when no operand is a workspace view, so no view an op still holds is ever detached.
 */
class WasmKernels implements MatrixKernels {
  readonly name = 'wasm-simd' as const;
  readonly blockColumns = 2048;
  private f32: Float32Array;
  private readonly base: number;
  private stagingFloats = 0;
  private workspaceFloats = 0;
  readonly unrolling: Unrolling;

  constructor(private readonly ex: KernelExports) {
    this.base = ex.heap_base.value;
    this.f32 = new Float32Array(ex.memory.buffer);
    const call = (fn: UnrollExport, g: UnrollGeometry, x: Float32Array, images: number, cols: Float32Array, ld: number) => {
      this.inside(x, 'x');
      this.inside(cols, 'cols');
      fn(x.byteOffset, images, g.inC, g.inH, g.inW, g.kh, g.kw, g.padH, g.padW, g.outH, g.outW, cols.byteOffset, ld);
    };
    this.unrolling = {
      im2col: (g, x, images, cols, ld) => call(ex.im2col, g, x, images, cols, ld),
      col2imAdd: (g, x, images, cols, ld) => call(ex.col2im_add, g, x, images, cols, ld),
      biasActivation: (out, ld, images, O, P, bias, relu, dst) => {
        this.inside(out, 'out');
        this.inside(bias, 'bias');
        this.inside(dst, 'dst');
        ex.bias_act(out.byteOffset, ld, images, O, P, bias.byteOffset, relu ? 1 : 0, dst.byteOffset);
      },
    };
  }

  private inside(v: Float32Array, what: string): void {
    if (v.buffer !== this.ex.memory.buffer) throw new Error(`engine kernels: ${what} must be a view into the kernels' workspace`);
  }

  private reserve(staging: number, workspace: number): void {
    const bytes = this.base + 4 * (staging + workspace);
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > have) this.ex.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.stagingFloats = staging;
    this.workspaceFloats = workspace;
    this.f32 = new Float32Array(this.ex.memory.buffer);
  }

  workspace(floats: number, stagingFloats: number): Float32Array {
    if (floats > this.workspaceFloats || stagingFloats > this.stagingFloats) {
      this.reserve(Math.max(stagingFloats, this.stagingFloats), Math.max(floats, this.workspaceFloats));
    }
    const start = this.base / 4 + this.stagingFloats;
    return this.f32.subarray(start, start + floats);
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    const mem = this.ex.memory.buffer;
    const aIn = a.buffer === mem, bIn = b.buffer === mem, cIn = c.buffer === mem;
    const need = (aIn ? 0 : m * k) + (bIn ? 0 : k * n) + (cIn ? 0 : m * n);
    if (need > this.stagingFloats) {
      if (aIn || bIn || cIn) throw new Error(`engine kernels: an op reserved ${this.stagingFloats} floats of staging but needs ${need}`);
      this.reserve(need, this.workspaceFloats);
    }
    const f32 = this.f32;
    let slot = this.base / 4;
    const place = (x: Float32Array, off: number, len: number, inside: boolean, copyIn: boolean): number => {
      if (inside) return x.byteOffset + 4 * off;
      const at = slot;
      slot += len;
      if (copyIn) f32.set(x.subarray(off, off + len), at);
      return 4 * at;
    };
    const pa = place(a, aOff, m * k, aIn, true);
    const pb = place(b, bOff, k * n, bIn, true);
    const pc = place(c, cOff, m * n, cIn, accumulate);
    const flags = (transA ? TRANS_A : 0) | (transB ? TRANS_B : 0) | (accumulate ? ACCUMULATE : 0);
    this.ex.gemm(flags, m, n, k, pa, transA ? m : k, pb, transB ? k : n, pc, n);
    if (!cIn) c.set(f32.subarray(pc / 4, pc / 4 + m * n), cOff);
  }
}

/** Instantiates the compiled kernel module; throws if this engine cannot (no WebAssembly, no SIMD). */
export function createWasmKernels(bytes: Uint8Array): MatrixKernels {
  const api = wasmApi();
  const instance = new api.Instance(new api.Module(bytes), {});
  const ex = instance.exports as unknown as KernelExports;
  for (const name of ['gemm', 'im2col', 'col2im_add', 'bias_act', 'memory', 'heap_base'] as const) {
    if (!ex[name]) throw new Error(`the kernel module lacks its ${name} export`);
  }
  return new WasmKernels(ex);
}
