/**
 * The three matrix products convolution and dense layers need, on row-major Float32Arrays. The loops
 * are blocked by four so that each load of the output row (or each load of the shared operand) serves
 * four multiply-adds: on V8 that roughly doubles throughput over the naive triple loop. No allocation.
 */

/** C[m x n] (+)= A[m x k] * B[k x n]. */
export function gemmNN(m: number, k: number, n: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate: boolean): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const cRow = cOff + i * n;
    const aRow = aOff + i * k;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[aRow + p], a1 = a[aRow + p + 1], a2 = a[aRow + p + 2], a3 = a[aRow + p + 3];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // masked (unconnected) kernels, dead ReLUs
      const b0 = bOff + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[cRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
      }
    }
    for (; p < k; p++) {
      const av = a[aRow + p];
      if (av === 0) continue;
      const bRow = bOff + p * n;
      for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
    }
  }
}

/** C[m x n] += A[m x k] * B[n x k]^T (rows of A dotted with rows of B). */
export function gemmNTAccumulate(m: number, k: number, n: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const aRow = aOff + i * k;
    const cRow = cOff + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      const r0 = bOff + j * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const av = a[aRow + p];
        s0 += av * b[r0 + p];
        s1 += av * b[r1 + p];
        s2 += av * b[r2 + p];
        s3 += av * b[r3 + p];
      }
      c[cRow + j] += s0;
      c[cRow + j + 1] += s1;
      c[cRow + j + 2] += s2;
      c[cRow + j + 3] += s3;
    }
    for (; j < n; j++) {
      const r = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aRow + p] * b[r + p];
      c[cRow + j] += s;
    }
  }
}

/** C[k x n] (+)= A[m x k]^T * B[m x n]. */
export function gemmTN(m: number, k: number, n: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, accumulate = false): void {
  if (!accumulate) c.fill(0, cOff, cOff + k * n);
  const m4 = m - (m % 4);
  for (let p = 0; p < k; p++) {
    const cRow = cOff + p * n;
    let i = 0;
    for (; i < m4; i += 4) {
      const a0 = a[aOff + i * k + p], a1 = a[aOff + (i + 1) * k + p], a2 = a[aOff + (i + 2) * k + p], a3 = a[aOff + (i + 3) * k + p];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const b0 = bOff + i * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[cRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
      }
    }
    for (; i < m; i++) {
      const av = a[aOff + i * k + p];
      if (av === 0) continue;
      const bRow = bOff + i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
    }
  }
}
