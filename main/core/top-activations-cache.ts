import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../storage/durable.ts';
import type { LayerTops } from '../explain/index.ts';
import { sha256Hex, type TopBuildResult } from './top-activations-build.ts';

/**
 * The top-activating lists cached beside a model: one JSON header line (what they were computed from,
 * each layer's shape, the SHA-256 of the body), then the body: per layer, the indices (int32), values
 * (float32) and positions (int32), channels x k each, little-endian. A file whose header, body digest,
 * model digest or dataset digest does not match is not used (the lists are rebuilt).
 */
export const TOP_CACHE_FILE = 'top-activations.bin';
const MAGIC = 'lenet-studio top activations';
const VERSION = 1;

interface Header {
  readonly magic: string;
  readonly version: number;
  readonly modelDigest: string;
  readonly datasetDigest: string;
  readonly count: number;
  readonly k: number;
  readonly layers: { name: string; channels: number; positions: number; width: number; lowIsStrong: boolean }[];
  readonly bodyDigest: string;
}

export function encodeTopCache(r: TopBuildResult): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const l of r.layers) parts.push(bytesOf(l.index), bytesOf(l.value), bytesOf(l.position));
  const body = Buffer.concat(parts);
  const header: Header = {
    magic: MAGIC, version: VERSION, modelDigest: r.modelDigest, datasetDigest: r.datasetDigest, count: r.count, k: r.k,
    layers: r.layers.map((l) => ({ name: l.name, channels: l.channels, positions: l.positions, width: l.width, lowIsStrong: l.lowIsStrong })),
    bodyDigest: sha256Hex(body),
  };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]);
}

function bytesOf(a: Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The cached lists, or why they cannot be used. */
export function decodeTopCache(bytes: Uint8Array, expected: { modelDigest: string; datasetDigest: string }): TopBuildResult | { problem: string } {
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 1 << 20) return { problem: 'no header' };
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(0, nl)).toString('utf8')) as Header;
  } catch {
    return { problem: 'the header is not JSON' };
  }
  if (header?.magic !== MAGIC || header.version !== VERSION || !Array.isArray(header.layers)) return { problem: 'not a top-activations cache of this version' };
  if (header.modelDigest !== expected.modelDigest) return { problem: 'computed for another model.onnx' };
  if (header.datasetDigest !== expected.datasetDigest) return { problem: 'computed for other digits' };
  const body = bytes.subarray(nl + 1);
  if (sha256Hex(body) !== header.bodyDigest) return { problem: 'its contents do not match their digest' };
  const k = header.k;
  const copy = Uint8Array.from(body);
  let offset = 0;
  const take = <T extends Int32Array | Float32Array>(make: (b: ArrayBuffer, o: number, n: number) => T, n: number): T | null => {
    if (offset + 4 * n > copy.byteLength) return null;
    const out = make(copy.buffer, offset, n);
    offset += 4 * n;
    return out;
  };
  const layers: LayerTops[] = [];
  for (const l of header.layers) {
    const n = l.channels * k;
    const index = take((b, o, c) => new Int32Array(b, o, c), n);
    const value = take((b, o, c) => new Float32Array(b, o, c), n);
    const position = take((b, o, c) => new Int32Array(b, o, c), n);
    if (!index || !value || !position) return { problem: 'the body is shorter than its header says' };
    layers.push({ ...l, k, index, value, position });
  }
  if (offset !== copy.byteLength) return { problem: 'the body is longer than its header says' };
  return { modelDigest: header.modelDigest, datasetDigest: header.datasetDigest, count: header.count, k, layers };
}

export async function readTopCache(path: string, expected: { modelDigest: string; datasetDigest: string }): Promise<TopBuildResult | { problem: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    return { problem: 'none yet' };
  }
  return decodeTopCache(bytes, expected);
}

export async function writeTopCache(path: string, r: TopBuildResult): Promise<void> {
  await writeFileAtomic(path, encodeTopCache(r));
}
