import { formatShape, sizeOf, type Tensor } from './tensor.ts';
import type { NetworkSpec } from './spec.ts';

/**
 * The engine's weights file (weights.json in a model folder): the network spec it belongs to and every
 * parameter tensor as little-endian float32 in base64. Self-describing, so a folder can be rebuilt
 * into an engine network without knowing its architecture in advance.
 */
export const WEIGHTS_FORMAT = 'lenet-studio.weights';
export const WEIGHTS_VERSION = 1;

export type Weights = ReadonlyMap<string, Tensor>;

export interface WeightsFile {
  readonly format: typeof WEIGHTS_FORMAT;
  readonly version: number;
  readonly spec: NetworkSpec;
  readonly tensors: Record<string, { readonly shape: readonly number[]; readonly data: string }>;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function float32ToBase64(values: Float32Array): string {
  const le = new Float32Array(values); // copy: the platform is little-endian on every target we ship
  const bytes = new Uint8Array(le.buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i], b = bytes[i + 1] ?? 0, c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

function base64ToFloat32(text: string, what: string): Float32Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error(`weights: ${what} is not valid base64`);
  }
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const nBytes = (text.length / 4) * 3 - pad;
  if (nBytes % 4 !== 0) throw new Error(`weights: ${what} holds ${nBytes} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(nBytes);
  let j = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (B64.indexOf(text[i]) << 18) | (B64.indexOf(text[i + 1]) << 12) |
      ((text[i + 2] === '=' ? 0 : B64.indexOf(text[i + 2])) << 6) | (text[i + 3] === '=' ? 0 : B64.indexOf(text[i + 3]));
    if (j < nBytes) bytes[j++] = (n >> 16) & 255;
    if (j < nBytes) bytes[j++] = (n >> 8) & 255;
    if (j < nBytes) bytes[j++] = n & 255;
  }
  return new Float32Array(bytes.buffer);
}

export function weightsToFile(spec: NetworkSpec, weights: Weights): WeightsFile {
  const tensors: WeightsFile['tensors'] = {};
  for (const [name, t] of weights) tensors[name] = { shape: [...t.shape], data: float32ToBase64(t.data) };
  return { format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, spec, tensors };
}

/** Parses and checks a weights file; throws an Error that says what is wrong. */
export function weightsFromFile(json: unknown): { spec: NetworkSpec; weights: Map<string, Tensor> } {
  if (typeof json !== 'object' || json === null) throw new Error('weights: not a JSON object');
  const f = json as Partial<WeightsFile>;
  if (f.format !== WEIGHTS_FORMAT) throw new Error(`weights: format is ${JSON.stringify(f.format)}, expected ${WEIGHTS_FORMAT}`);
  if (f.version !== WEIGHTS_VERSION) throw new Error(`weights: version ${String(f.version)} is not supported (expected ${WEIGHTS_VERSION})`);
  if (typeof f.spec !== 'object' || f.spec === null || !Array.isArray(f.spec.layers)) throw new Error('weights: missing network spec');
  if (typeof f.tensors !== 'object' || f.tensors === null) throw new Error('weights: missing tensors');
  const weights = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(f.tensors)) {
    if (!t || !Array.isArray(t.shape) || typeof t.data !== 'string') throw new Error(`weights: tensor ${name} is malformed`);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`weights: tensor ${name} has an invalid shape ${formatShape(t.shape)}`);
    const data = base64ToFloat32(t.data, `tensor ${name}`);
    if (data.length !== sizeOf(t.shape)) {
      throw new Error(`weights: tensor ${name} has shape ${formatShape(t.shape)} but ${data.length} values`);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`weights: tensor ${name} holds a non-finite value at ${i}`);
    }
    weights.set(name, { shape: [...t.shape], data });
  }
  return { spec: f.spec, weights };
}
