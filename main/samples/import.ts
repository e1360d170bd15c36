import { Unzip, UnzipInflate } from 'fflate';
import { LIMITS } from '../api/schemas.ts';
import { kindOf, reasonMessage, type Reason, type ReasonCode, type ReasonParams, type SkipCode } from '../api/error-codes.ts';
import { boundInk, type Ink } from '../ink/index.ts';
import { issueParams, newSampleSchema, sampleLineSchema } from './record.ts';

/** A record that passed every check, ready to be stored (its ink already within the stored-points cap). */
export interface ImportCandidate {
  /** `file:line`, for reports. */
  readonly where: string;
  readonly label: number;
  readonly ink: Ink;
  readonly collectedAt?: string;
  readonly predicted?: number;
  readonly modelId?: string;
}

export interface ImportSkip {
  readonly where: string;
  /** English (logs, the CLI); `code` and `params` say the same for the page to translate. */
  readonly reason: string;
  readonly code?: SkipCode;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** The budgets of one import (LIMITS in main/api/schemas.ts; tests lower them). */
export interface ImportLimits {
  readonly maxImportInflatedBytes: number;
  readonly maxImportRecords: number;
  readonly maxImportLineBytes: number;
  readonly maxReportedSkips: number;
  readonly maxStoredInkPoints: number;
}

export const IMPORT_LIMITS: ImportLimits = {
  maxImportInflatedBytes: LIMITS.maxImportInflatedBytes,
  maxImportRecords: LIMITS.maxImportRecords,
  maxImportLineBytes: LIMITS.maxImportLineBytes,
  maxReportedSkips: LIMITS.maxReportedSkips,
  maxStoredInkPoints: LIMITS.maxStoredInkPoints,
};

/** A file refused as a whole: 'too-large' past a budget, 'bad-request' when it is not a usable file. */
export class ImportRefused extends Error {
  readonly code: 'too-large' | 'bad-request';
  readonly reason: Reason;
  constructor(reason: Reason) {
    super(reasonMessage(reason));
    this.name = 'ImportRefused';
    this.code = kindOf(reason) === 'too-large' ? 'too-large' : 'bad-request';
    this.reason = reason;
  }
}

export function refused<C extends ReasonCode>(code: C, params: ReasonParams<C>): ImportRefused {
  return new ImportRefused({ code, params } as Reason);
}

/**
 * One file of an import (the file itself, or an entry of the zip): how many of its records were taken
 * and skipped, or why it was not read at all.
 */
export interface ImportFileTally {
  readonly file: string;
  taken: number;
  skipped: number;
  readonly read: boolean;
  readonly code?: SkipCode;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** What a parse reports besides its candidates: the first skips (at most maxReportedSkips) and how many in all. */
export interface ImportTally {
  readonly skipped: ImportSkip[];
  skippedTotal: number;
  readonly files: ImportFileTally[];
}

/** Skipped records: all counted, the first `max` kept with where and why. */
export class SkipTally implements ImportTally {
  readonly skipped: ImportSkip[] = [];
  skippedTotal = 0;
  readonly files: ImportFileTally[] = [];

  /** The tally of a file that is read (created on first use). */
  file(name: string): ImportFileTally {
    let f = this.files.find((x) => x.file === name && x.read);
    if (!f) this.files.push((f = { file: name, taken: 0, skipped: 0, read: true }));
    return f;
  }

  /** A file (or a group of files, `images/*.png`) that is not read, and why. */
  notRead<C extends SkipCode>(name: string, code: C, params: ReasonParams<C>): void {
    this.files.push({ file: name, taken: 0, skipped: 0, read: false, code, params });
  }

  constructor(private readonly max: number) {}
  /** True once no more skips are kept (they are only counted). */
  get full(): boolean {
    return this.skipped.length >= this.max;
  }

  /** `where` is a function so that a record past the kept ones costs no string. */
  skip<C extends SkipCode>(where: string | (() => string), code: C, params: ReasonParams<C>): void {
    this.skippedTotal++;
    if (this.skipped.length < this.max) this.skipped.push({ where: typeof where === 'string' ? where : where(), reason: reasonMessage({ code, params }), code, params });
  }

  /** A skip as another tally recorded it. */
  add(skip: ImportSkip): void {
    this.skippedTotal++;
    if (this.skipped.length < this.max) this.skipped.push(skip);
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/**
 * The zip is fed to the inflater this many compressed bytes at a time. Deflate expands at most about
 * 1,032 to 1, so one step puts out at most ~256 KB, and the budget on actual output is checked after each.
 */
const ZIP_STEP = 256;
/** Plain text is decoded this many bytes at a time. */
const TEXT_STEP = 1 << 20;
const MB = 1024 * 1024;

/**
 * Reads the records of an import file: a zip made by the export (every .jsonl it holds, samples.jsonl
 * among them; the PNGs are derived from the inks and not read back) or a JSON Lines file in DESIGN.md's
 * ink format (`{"label": 7, "strokes": [...]}` per line, as in ../shared/data). It streams: the zip is
 * inflated a few kilobytes at a time under a budget on the bytes actually produced (whatever the header
 * declares), and the text is read line by line as it arrives. Each valid record goes to `onCandidate`
 * (at most maxImportRecords records are read; the rest are counted as skipped). Throws ImportRefused when
 * the file as a whole is unusable or over a budget; a bad record is skipped and reported.
 */
export function readSampleFile(
  bytes: Uint8Array, source: string, onCandidate: (c: ImportCandidate) => void, limits: ImportLimits = IMPORT_LIMITS,
): ImportTally {
  if (bytes.length === 0) throw refused('import.empty', { file: source });
  const tally = new SkipTally(limits.maxReportedSkips);
  const records = { n: 0 };
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) readZip(bytes, source, onCandidate, limits, tally, records);
  else readText(bytes, source, onCandidate, limits, tally, records);
  return tally;
}

/** The same, collecting the candidates (at most maxImportRecords of them). */
export function parseSampleFile(bytes: Uint8Array, source: string, limits: ImportLimits = IMPORT_LIMITS): { candidates: ImportCandidate[] } & ImportTally {
  const candidates: ImportCandidate[] = [];
  const tally = readSampleFile(bytes, source, (c) => candidates.push(c), limits);
  return { candidates, skipped: tally.skipped, skippedTotal: tally.skippedTotal, files: tally.files };
}

function tooLarge(source: string, limits: ImportLimits): ImportRefused {
  return refused('import.inflatesTooLarge', { file: source, mb: limits.maxImportInflatedBytes / MB });
}

function readText(bytes: Uint8Array, source: string, onCandidate: (c: ImportCandidate) => void, limits: ImportLimits, tally: SkipTally, records: { n: number }): void {
  if (bytes.length > limits.maxImportInflatedBytes) throw tooLarge(source, limits);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines = new LineReader(source, onCandidate, limits, tally, records);
  for (let off = 0; off < bytes.length; off += TEXT_STEP) {
    const last = off + TEXT_STEP >= bytes.length;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(off, off + TEXT_STEP), { stream: !last });
    } catch {
      throw refused('import.notZipOrText', { file: source });
    }
    lines.push(text);
  }
  lines.end();
}

function readZip(bytes: Uint8Array, source: string, onCandidate: (c: ImportCandidate) => void, limits: ImportLimits, tally: SkipTally, records: { n: number }): void {
  if (!hasEndOfCentralDirectory(bytes)) throw refused('import.zipCutShort', { file: source });
  let failure: Error | null = null;
  let inflated = 0;
  let entries = 0;
  const unread: string[] = [];
  const unzip = new Unzip((file) => {
    // an entry that is not started is skipped without being inflated (the PNGs, a nested zip...)
    if (!file.name.toLowerCase().endsWith('.jsonl')) {
      if (!file.name.endsWith('/')) unread.push(file.name);
      return;
    }
    entries++;
    const where = `${source}/${file.name}`;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const lines = new LineReader(where, onCandidate, limits, tally, records);
    let dead = false;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = refused('import.zipUnreadable', { file: source, detail: err.message });
        return;
      }
      inflated += data.length;
      if (inflated > limits.maxImportInflatedBytes) {
        failure = tooLarge(source, limits);
        file.terminate();
        return;
      }
      if (dead) return;
      let text: string;
      try {
        text = decoder.decode(data, { stream: !final });
      } catch {
        dead = true;
        tally.file(where).skipped++;
        tally.skip(where, 'skip.entryNotUtf8', {});
        return;
      }
      lines.push(text);
      if (final) lines.end();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for (let off = 0; off < bytes.length && !failure; off += ZIP_STEP) {
    try {
      unzip.push(bytes.subarray(off, off + ZIP_STEP), off + ZIP_STEP >= bytes.length);
    } catch (err) {
      if (failure) break;
      if (err instanceof ImportRefused) throw err;
      throw refused('import.zipUnreadable', { file: source, detail: (err as Error).message });
    }
  }
  if (failure) throw failure;
  const idx = unread.filter(isIdxName);
  if (entries === 0) {
    if (idx.length > 0) throw refused('import.idxWithoutInks', { file: source, names: idx.join(', ') });
    throw refused('import.nothingToRead', { file: source });
  }
  reportUnread(unread, source, tally);
}

/** MNIST's file names: `train-images-idx3-ubyte`, `samples-labels-idx1-ubyte` (gzipped or not). */
function isIdxName(name: string): boolean {
  return /-idx[13]-ubyte(\.gz)?$/i.test(name);
}

/**
 * The entries of a zip that were not read, each with why: the app's own images (PNGs, IDX) are made
 * from the inks, so they are not read back; PNGs are listed as one group per folder.
 */
function reportUnread(names: readonly string[], source: string, tally: SkipTally): void {
  const pngFolders = new Map<string, number>();
  for (const name of names) {
    if (/\.png$/i.test(name)) {
      const folder = name.includes('/') ? `${name.split('/')[0]}/` : '';
      pngFolders.set(folder, (pngFolders.get(folder) ?? 0) + 1);
    } else if (isIdxName(name)) tally.notRead(`${source}/${name}`, 'skip.derived', { file: name });
    else tally.notRead(`${source}/${name}`, 'skip.notRead', { file: name });
  }
  for (const [folder, n] of pngFolders) tally.notRead(`${source}/${folder}*.png (${n})`, 'skip.derived', { file: `${folder}*.png` });
}

/** The end-of-central-directory record every zip ends with (followed by at most a 64 KB comment). */
function hasEndOfCentralDirectory(bytes: Uint8Array): boolean {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return true;
  }
  return false;
}

/**
 * Cuts text into lines as it arrives and checks each non-blank line as one record. Only the current
 * line is held (at most maxImportLineBytes of it; a longer line is skipped without being kept).
 */
class LineReader {
  private pending: string[] = [];
  private pendingLength = 0;
  private overlong = false;
  private line = 0;
  private readonly counts: ImportFileTally;

  constructor(
    private readonly source: string,
    private readonly onCandidate: (c: ImportCandidate) => void,
    private readonly limits: ImportLimits,
    private readonly tally: SkipTally,
    private readonly records: { n: number },
  ) {
    this.counts = tally.file(source);
  }

  push(text: string): void {
    let start = 0;
    for (;;) {
      if (this.pendingLength === 0 && !this.overlong) start = this.skipBlankLines(text, start);
      const nl = text.indexOf('\n', start);
      if (nl >= 0 && this.pendingLength === 0 && !this.overlong && this.records.n >= this.limits.maxImportRecords && this.tally.full) {
        // past the record cap with the report full: a line is only counted, without a string for it
        this.line++;
        if (!isBlank(text, start, nl)) {
          this.records.n++;
          this.tally.skippedTotal++;
          this.counts.skipped++;
        }
        start = nl + 1;
        continue;
      }
      if (nl < 0) {
        this.hold(text, start, text.length);
        return;
      }
      if (this.pendingLength === 0 && !this.overlong) this.take(text.slice(start, nl));
      else {
        this.hold(text, start, nl);
        const whole = this.overlong ? '' : this.pending.join('');
        this.pending = [];
        this.pendingLength = 0;
        this.take(whole);
      }
      start = nl + 1;
    }
  }

  /** Runs of empty lines (`\n`, `\r\n`) are counted without cutting a string for each. */
  private skipBlankLines(text: string, start: number): number {
    const n = text.length;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) i += 1;
      else if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) i += 2;
      else return i;
      this.line++;
    }
  }

  end(): void {
    if (this.pendingLength > 0 || this.overlong) {
      const whole = this.overlong ? '' : this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
      this.take(whole);
    }
  }

  private hold(text: string, from: number, to: number): void {
    if (to <= from) return;
    if (this.overlong) return;
    this.pendingLength += to - from;
    if (this.pendingLength > this.limits.maxImportLineBytes) {
      this.overlong = true;
      this.pending = [];
      return;
    }
    this.pending.push(text.slice(from, to));
  }

  private take(raw: string): void {
    const lineNo = ++this.line;
    const where = () => `${this.source}:${lineNo}`;
    if (this.overlong) {
      this.overlong = false;
      this.records.n++;
      this.counts.skipped++;
      this.tally.skip(where, 'skip.lineTooLong', { mb: this.limits.maxImportLineBytes / MB });
      return;
    }
    if (raw.length === 0 || (raw.length === 1 && raw === '\r')) return;
    const line = raw.trim();
    if (line === '') return;
    if (++this.records.n > this.limits.maxImportRecords) {
      this.counts.skipped++;
      this.tally.skip(where, 'skip.pastRecordCap', { max: this.limits.maxImportRecords });
      return;
    }
    this.check(line, where());
  }

  private check(line: string, where: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.counts.skipped++;
      this.tally.skip(where, 'skip.notJson', {});
      return;
    }
    const head = sampleLineSchema.safeParse(json);
    if (!head.success) {
      this.counts.skipped++;
      this.tally.skip(where, 'skip.invalid', issueParams(head.error));
      return;
    }
    const { label, strokes, collectedAt, predicted, modelId } = head.data;
    // the same checks as a sample saved from the canvas: the ink's limits, at least one point
    const sample = newSampleSchema.safeParse({ label, ink: { strokes }, how: 'imported', collectedAt, predicted, modelId });
    if (!sample.success) {
      this.counts.skipped++;
      this.tally.skip(where, 'skip.invalid', issueParams(sample.error));
      return;
    }
    const s = sample.data;
    this.counts.taken++;
    this.onCandidate({
      where, label: s.label, ink: boundInk(s.ink, this.limits.maxStoredInkPoints).ink,
      ...(s.collectedAt !== undefined ? { collectedAt: s.collectedAt } : {}),
      ...(s.predicted !== undefined ? { predicted: s.predicted } : {}),
      ...(s.modelId !== undefined ? { modelId: s.modelId } : {}),
    });
  }
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12 && c !== 0xa0 && c !== 0xfeff) return false;
  }
  return true;
}
