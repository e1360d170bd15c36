import { gemmNN, gemmNTAccumulate, gemmTN } from '../ops/gemm.ts';

/**
 * The matrix product every convolution and dense layer reduces to, behind one interface so that the
 * plain TypeScript loops (the reference) and the WebAssembly SIMD kernels are interchangeable. Both
 * compute the same sums; only the order of the additions differs, so results agree within float
 * reassociation.
 */
export interface MatrixKernels {
  readonly name: 'typescript' | 'wasm-simd';
  /**
   * How many columns (output positions) a convolution should unroll per product. The TypeScript loops
   * gain nothing from wider products, so they keep one image at a time; the blocked kernels amortize
   * their packing over a few thousand columns.
   */
  readonly blockColumns: number;
  /**
   * C[m x n] (+)= op(A)[m x k] * op(B)[k x n], every matrix dense and row-major at its offset. With
   * transA, A is stored k x m; with transB, B is stored n x k. accumulate = add into C, else overwrite.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void;
  /**
   * Scratch the kernels read and write in place (no copy), at least `floats` long, valid until the next
   * call to workspace. `stagingFloats`: room for the operands that the same op will pass from outside it.
   * Null: the kernels read any Float32Array as fast as their own, use a plain array.
   */
  workspace(floats: number, stagingFloats: number): Float32Array | null;
  /**
   * im2col and its adjoint for stride-1 convolutions, on `images` consecutive images that are already
   * in the workspace (x: [images, C, H, W]); cols rows are `ld` floats long, image i at column i*P.
   * Absent: the TypeScript loops of ops/conv2d.ts do it.
   */
  readonly unrolling?: Unrolling;
}

export interface UnrollGeometry {
  readonly inC: number; readonly inH: number; readonly inW: number;
  readonly kh: number; readonly kw: number; readonly padH: number; readonly padW: number;
  readonly outH: number; readonly outW: number;
}

export interface Unrolling {
  im2col(g: UnrollGeometry, x: Float32Array, images: number, cols: Float32Array, ld: number): void;
  /** x += the receptive fields' gradients in cols. */
  col2imAdd(g: UnrollGeometry, x: Float32Array, images: number, cols: Float32Array, ld: number): void;
  /**
   * The product out[O x ld] (image i's P outputs of map o at o * ld + i * P) as dst[images, O, P], plus
   * bias[o] (O floats), then with `relu` v > 0 ? v : 0. Every array a view into the workspace.
   */
  biasActivation(out: Float32Array, ld: number, images: number, O: number, P: number, bias: Float32Array, relu: boolean, dst: Float32Array): void;
}

/** op(A) * op(B) with both transposed: no layer needs it, so a plain loop. */
function gemmTT(m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + p * m + i] * b[bOff + j * k + p];
      c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
    }
  }
}

/** The reference: the engine's TypeScript loops (ops/gemm.ts). */
export const TYPESCRIPT_KERNELS: MatrixKernels = {
  name: 'typescript',
  blockColumns: 1,
  gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate) {
    if (!transA && !transB) gemmNN(m, k, n, a, aOff, b, bOff, c, cOff, accumulate);
    else if (!transA) {
      if (!accumulate) c.fill(0, cOff, cOff + m * n);
      gemmNTAccumulate(m, k, n, a, aOff, b, bOff, c, cOff);
    } else if (!transB) gemmTN(k, m, n, a, aOff, b, bOff, c, cOff, accumulate);
    else gemmTT(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
  },
  workspace: () => null,
};

/**
 * The kernels this thread's layers use. A property of the machine, not of the model (either set gives
 * the same network within reassociation), so it is chosen once per thread when the app starts:
 * main/wasm loads the SIMD kernels and installs them here; until then, and wherever they cannot load,
 * the TypeScript reference runs.
 */
let active: MatrixKernels = TYPESCRIPT_KERNELS;

export function useKernels(kernels: MatrixKernels): void {
  active = kernels;
}

export function activeKernels(): MatrixKernels {
  return active;
}
