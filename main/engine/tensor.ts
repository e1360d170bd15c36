/** A dense float32 tensor in row-major order; image batches are NCHW. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export class ShapeError extends Error {
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'ShapeError';
  }
}

export function tensor(shape: readonly number[], data?: Float32Array | readonly number[]): Tensor {
  const n = sizeOf(shape);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError('tensor', `invalid shape ${formatShape(shape)}`);
  }
  const buf = data === undefined ? new Float32Array(n) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (buf.length !== n) {
    throw new ShapeError('tensor', `shape ${formatShape(shape)} holds ${n} values but data has ${buf.length}`);
  }
  return { shape: [...shape], data: buf };
}

/** Asserts a tensor has the expected rank and, where given, the expected dimensions (-1 = any). */
export function expectShape(op: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === -1 || d === actual[i]);
  if (!ok) {
    const exp = expected.map((d) => (d === -1 ? '?' : String(d))).join(', ');
    throw new ShapeError(op, `${what} has shape ${formatShape(actual)}, expected [${exp}]`);
  }
}
