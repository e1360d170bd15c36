import { readFile } from 'node:fs/promises';

/**
 * The IDX format MNIST is distributed in: a 4-byte magic number (two zero bytes, a type code, the number
 * of dimensions), one big-endian uint32 per dimension, then the values in row-major order.
 * Only unsigned bytes (type 0x08) are supported; that is what every MNIST file holds.
 */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export class IdxError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'IdxError';
  }
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'uint8',
  0x09: 'int8',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
const UINT8 = 0x08;

/** Parses an IDX buffer; `source` names it in error messages (a file path, say). */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length < 4) throw new IdxError(source, `truncated: ${bytes.length} bytes, too short for the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(source, `bad magic number 0x${hex(bytes, 0, 4)}: an IDX file starts with two zero bytes`);
  }
  const type = bytes[2];
  if (type !== UINT8) {
    const name = TYPE_NAMES[type];
    throw new IdxError(source, name
      ? `holds ${name} values (type 0x${type.toString(16).padStart(2, '0')}); only uint8 is supported`
      : `unknown value type 0x${type.toString(16).padStart(2, '0')} in the magic number`);
  }
  const rank = bytes[3];
  if (rank === 0) throw new IdxError(source, 'declares zero dimensions');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxError(source, `truncated header: ${rank} dimensions need ${headerBytes} bytes, the data has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    throw new IdxError(source, `truncated: dimensions [${dims.join(', ')}] need ${count} values but only ${bytes.length - headerBytes} follow the header`);
  }
  if (bytes.length > expected) {
    throw new IdxError(source, `corrupt: ${bytes.length - expected} unexpected bytes after the ${count} values of dimensions [${dims.join(', ')}]`);
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/** Serializes a uint8 array as IDX; the inverse of parseIdx. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (dims.length < 1 || dims.length > 255) throw new RangeError(`IDX supports 1 to 255 dimensions, got ${dims.length}`);
  if (data.length !== count) throw new RangeError(`IDX dimensions [${dims.join(', ')}] hold ${count} values but data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  out[2] = UINT8;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new IdxError(path, `cannot be read (${(err as Error).message})`);
  }
  return parseIdx(bytes, path);
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  return [...bytes.subarray(start, end)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
