import { constants, deflateRawSync } from 'node:zlib';

/**
 * Hostile import files, built cheaply at any size (the probe's bombs and the tests' smaller ones). The
 * deflate stream of a repeated text is made once for a 1 MB unit, ended with a sync flush (so it is
 * byte-aligned and references nothing before it), repeated, and closed with an empty final block: a
 * valid stream that inflates to `units` MB while costing about 1 KB per MB to build and store.
 */
const UNIT = 1024 * 1024;

export interface RawEntry {
  readonly name: string;
  /** Deflated (method 8) or stored (method 0) bytes. */
  readonly data: Uint8Array;
  readonly method: 0 | 8;
  /** The uncompressed size the headers declare (a lying header declares less than the data inflates to). */
  readonly declaredSize: number;
  readonly crc?: number;
}

/** A deflate stream that inflates to `bytes` bytes (rounded down to whole repeats of `pattern`) of `pattern` repeated. */
export function repeatedDeflate(pattern: string, bytes: number): { data: Uint8Array; inflatedSize: number } {
  const p = Buffer.from(pattern);
  const perUnit = Math.max(1, Math.floor(UNIT / p.length));
  const unit = Buffer.alloc(perUnit * p.length);
  for (let i = 0; i < perUnit; i++) p.copy(unit, i * p.length);
  const units = Math.max(1, Math.floor(bytes / unit.length));
  const segment = deflateRawSync(unit, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const out = new Uint8Array(segment.length * units + 2);
  for (let k = 0; k < units; k++) out.set(segment, k * segment.length);
  out.set([0x03, 0x00], segment.length * units);
  return { data: out, inflatedSize: unit.length * units };
}

/** A zip of the given entries, written by hand (so its headers can say anything). */
export function zipOf(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(e.crc ?? 0, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.declaredSize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

/** samples.jsonl of `bytes` blank lines, its header honest. */
export function blankLinesBomb(bytes: number): Uint8Array {
  const { data, inflatedSize } = repeatedDeflate('\n', bytes);
  return zipOf([{ name: 'samples.jsonl', data, method: 8, declaredSize: inflatedSize }]);
}

/** samples.jsonl of `bytes` of lines that are not records, its header honest. */
export function junkLinesBomb(bytes: number, line = 'junk\n'): Uint8Array {
  const { data, inflatedSize } = repeatedDeflate(line, bytes);
  return zipOf([{ name: 'samples.jsonl', data, method: 8, declaredSize: inflatedSize }]);
}

/** samples.jsonl whose header declares `declared` bytes while its data inflates to `bytes`. */
export function lyingHeaderBomb(bytes: number, declared: number, line = '\n'): Uint8Array {
  const { data } = repeatedDeflate(line, bytes);
  return zipOf([{ name: 'samples.jsonl', data, method: 8, declaredSize: declared }]);
}
