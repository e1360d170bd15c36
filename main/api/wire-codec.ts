/**
 * Frames of the browser-mode WebSocket. A frame without typed arrays is JSON text. A frame that holds
 * typed arrays (feature maps, kernels, images, files) is binary, so bulk numbers cross as their bytes
 * instead of decimal text:
 *
 *   u32 magic "LNS1" | u32 n | n bytes of UTF-8 JSON | padding to 8 | the arrays' bytes, each 8-aligned
 *
 * where each typed array in the JSON is replaced by {"$typed": [kind, byteOffset, length]}, offsets
 * counted from the start of the arrays' section. Only binary frames are revived, and every marker is
 * checked against the frame's bounds, so a hostile frame can at worst be refused. Typed arrays are
 * little-endian on every platform the app runs on (x86-64, arm64), so their bytes are sent as they are.
 */
export const TYPED_MARK = '$typed';
const MAGIC = 0x3153_4e4c; // "LNS1" read little-endian
const HEADER_BYTES = 8;

const KINDS = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u8: Uint8Array,
} as const;
type Kind = keyof typeof KINDS;
type Typed = InstanceType<(typeof KINDS)[Kind]>;

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

function kindOf(view: ArrayBufferView): Kind {
  for (const kind of Object.keys(KINDS) as Kind[]) if (view.constructor === KINDS[kind]) return kind;
  throw new WireError(`a ${view.constructor.name} cannot be sent (typed arrays: Float32Array, Float64Array, Int32Array, Uint8Array)`);
}

const align8 = (n: number) => (n + 7) & ~7;

/** A value as one frame: JSON text when it holds no typed array, else the binary layout above. */
export function encodeFrame(value: unknown): string | Uint8Array {
  const parts: { at: number; bytes: Uint8Array }[] = [];
  let size = 0;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return v;
    const kind = kindOf(v);
    const at = align8(size);
    parts.push({ at, bytes: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) });
    size = at + v.byteLength;
    return { [TYPED_MARK]: [kind, at, (v as Typed).length] };
  });
  if (parts.length === 0) return json;
  const text = new TextEncoder().encode(json);
  const base = align8(HEADER_BYTES + text.length);
  const frame = new Uint8Array(base + size);
  const header = new DataView(frame.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, text.length, true);
  frame.set(text, HEADER_BYTES);
  for (const part of parts) frame.set(part.bytes, base + part.at);
  return frame;
}

/**
 * The value of a frame; throws WireError for anything that is not a well-formed one, or whose JSON is
 * longer than `maxJsonBytes` (text frames are measured in UTF-16 code units, at most their UTF-8 bytes).
 */
export function decodeFrame(data: string | Uint8Array, limits: { maxJsonBytes?: number } = {}): unknown {
  const maxJson = limits.maxJsonBytes ?? Infinity;
  const tooLong = () => new WireError(`the frame's JSON is longer than ${maxJson} bytes; bulk data travels as typed arrays in a binary frame`);
  if (typeof data === 'string') {
    if (data.length > maxJson) throw tooLong();
    return parseJson(data);
  }
  if (data.length < HEADER_BYTES) throw new WireError('a binary frame needs its 8-byte header');
  const header = new DataView(data.buffer, data.byteOffset, HEADER_BYTES);
  if (header.getUint32(0, true) !== MAGIC) throw new WireError('a binary frame must start with the LNS1 header');
  const jsonBytes = header.getUint32(4, true);
  if (jsonBytes > data.length - HEADER_BYTES) throw new WireError('the binary frame is shorter than its header says');
  if (jsonBytes > maxJson) throw tooLong();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(HEADER_BYTES, HEADER_BYTES + jsonBytes));
  } catch {
    throw new WireError('the binary frame does not start with UTF-8 JSON');
  }
  const base = align8(HEADER_BYTES + jsonBytes);
  const arrays = data.subarray(Math.min(base, data.length));
  return parseJson(text, (_key, v: unknown) => revive(v, arrays));
}

function parseJson(text: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON.parse(text, reviver);
  } catch (err) {
    if (err instanceof WireError) throw err;
    throw new WireError('a message must be JSON');
  }
}

function revive(value: unknown, arrays: Uint8Array): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== TYPED_MARK) return value;
  const mark = (value as Record<string, unknown>)[TYPED_MARK];
  if (!Array.isArray(mark) || mark.length !== 3) throw new WireError(`${TYPED_MARK} must be [kind, byteOffset, length]`);
  const [kind, at, length] = mark as unknown[];
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) throw new WireError(`${TYPED_MARK}: unknown array kind ${JSON.stringify(kind)}`);
  const Ctor = KINDS[kind as Kind];
  if (!Number.isSafeInteger(at) || !Number.isSafeInteger(length) || (at as number) < 0 || (length as number) < 0) {
    throw new WireError(`${TYPED_MARK}: byteOffset and length must be non-negative integers`);
  }
  const start = at as number;
  const end = start + (length as number) * Ctor.BYTES_PER_ELEMENT;
  if (start % 8 !== 0 || end > arrays.length) throw new WireError(`${TYPED_MARK}: the array [${start}, ${end}) lies outside the frame's ${arrays.length} bytes of arrays`);
  // A copy, so the array owns an aligned buffer of its own and the frame can be let go.
  const out = new Ctor(length as number);
  new Uint8Array(out.buffer).set(arrays.subarray(start, end));
  return out;
}
