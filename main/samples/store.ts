import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeName, isTempName, moveDurable, sweepTempFiles, syncDirectory, writeFileAtomic } from '../storage/durable.ts';
import {
  describeIssues, fromRecord, newSampleId, newSampleSchema, sampleFingerprint, sampleRecordSchema, SAMPLE_ID_PATTERN, toRecord,
  digitSchema, type NewSample, type Sample, type SampleHow,
} from './record.ts';
import { boundInk, countPoints } from '../ink/index.ts';
import { kindOf, reasonMessage, type Reason } from '../api/error-codes.ts';
import { IMPORT_LIMITS, ImportRefused, SkipTally, type ImportFileTally, type ImportLimits, type ImportSkip } from './import.ts';
import { parseInWorker, type ParsedImport } from './import-job.ts';

/**
 * The person's samples on disk, one JSON file per sample:
 *
 * ```
 * <root>/items/<id>.json        the samples (written atomically: temp file, fsync, rename, fsync of items/)
 * <root>/trash/<token>/<id>.json deleted samples, restored by undoDelete(token); kept 7 days
 * <root>/corrupt/<file>         files found unreadable, set aside with <file>.why.txt beside them
 * ```
 * Opening sweeps temporary files left by a crash and sets aside (never deletes, never ignores) any
 * file that is not a valid sample; what it did is in `openReport`. Changes go through one queue, so a
 * relabel and a delete of the same sample never interleave.
 */
export const ITEMS_DIR = 'items';
export const TRASH_DIR = 'trash';
export const CORRUPT_DIR = 'corrupt';
const TRASH_KEEP_MS = 7 * 24 * 3600 * 1000;
const READ_CONCURRENCY = 32;
/** A sample file larger than this (one written before inks were bounded) is read on its own, not 32 at a time. */
const LARGE_FILE_BYTES = 1024 * 1024;

export interface SetAside {
  /** The file's name in items/ (or in the trash batch). */
  readonly file: string;
  readonly reason: string;
  /** Where it is now. */
  readonly movedTo: string;
}

export interface OpenReport {
  readonly samples: number;
  /** Temporary files of interrupted writes that were removed. */
  readonly sweptTempFiles: string[];
  /** Files that were not valid samples, moved to corrupt/. */
  readonly setAside: SetAside[];
  /** Files in items/ that are neither samples nor temporary files: left where they are. */
  readonly unknownFiles: string[];
  /** Trash batches older than seven days that were emptied. */
  readonly trashBatchesEmptied: number;
  /** Samples whose ink was denser than the stored-points cap (written by an older version): simplified and rewritten. */
  readonly simplified: number;
}

export interface SampleFilter {
  readonly label?: number;
  readonly how?: SampleHow;
}

export interface DeleteResult {
  /** Hand it to undoDelete to bring the samples back. */
  readonly undoToken: string;
  readonly deleted: number;
}

export interface ImportReport {
  readonly imported: Sample[];
  /** The first records that were not imported (at most maxReportedSkips), with where they were and why. */
  readonly skipped: ImportSkip[];
  /** How many records were not imported in all. */
  readonly skippedTotal: number;
  /** Per file (or zip entry): records taken and skipped, or why it was not read. */
  readonly files: ImportFileTally[];
}

export interface ImportOptions {
  /** Lower budgets than LIMITS' (tests). */
  readonly limits?: Partial<ImportLimits>;
}

/** A request the store refuses (unknown id, bad label, malformed ink...): the message says which and why. */
export class SampleStoreError extends Error {
  readonly code: 'not-found' | 'bad-request' | 'too-large';
  /** Why, as a code the page translates (error-codes.ts); absent for failures a person cannot cause. */
  readonly reason?: Reason;
  constructor(what: string | Reason, code: 'not-found' | 'bad-request' | 'too-large' = 'bad-request') {
    super(typeof what === 'string' ? what : reasonMessage(what));
    this.name = 'SampleStoreError';
    if (typeof what === 'string') this.code = code;
    else {
      this.reason = what;
      const kind = kindOf(what);
      this.code = kind === 'not-found' || kind === 'too-large' ? kind : 'bad-request';
    }
  }
}

const TOKEN_PATTERN = /^[0-9a-z]{9}-[0-9a-f]{10}$/;

export class SampleStore {
  private readonly samples = new Map<string, Sample>();
  private readonly fingerprints = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private report!: OpenReport;
  private largeRead: Promise<unknown> = Promise.resolve();
  private simplifiedOnOpen = 0;

  private constructor(readonly root: string) {}

  get openReport(): OpenReport {
    return this.report;
  }

  private get items(): string {
    return join(this.root, ITEMS_DIR);
  }

  /** Opens (creating if needed) the store in `root`; never throws for a bad sample file, only for an unusable folder. */
  static async open(root: string): Promise<SampleStore> {
    const store = new SampleStore(root);
    for (const d of [ITEMS_DIR, TRASH_DIR, CORRUPT_DIR]) await mkdir(join(root, d), { recursive: true });
    const sweptTempFiles = await sweepTempFiles(store.items);
    const trashBatchesEmptied = await store.emptyOldTrash();
    const setAside: SetAside[] = [];
    const unknownFiles: string[] = [];
    const names = (await readdir(store.items, { withFileTypes: true })).filter((e) => {
      if (isTempName(e.name)) return false; // a write in flight in another live process
      if (e.isFile() && e.name.endsWith('.json')) return true;
      unknownFiles.push(e.name);
      return false;
    }).map((e) => e.name).sort();
    for (let i = 0; i < names.length; i += READ_CONCURRENCY) {
      const chunk = names.slice(i, i + READ_CONCURRENCY);
      const results = await Promise.all(chunk.map((name) => store.readSampleFile(join(store.items, name), name)));
      for (const [k, r] of results.entries()) {
        if ('sample' in r) store.index(r.sample);
        else setAside.push(await store.setAside(store.items, chunk[k], r.reason));
      }
    }
    store.report = { samples: store.samples.size, sweptTempFiles, setAside, unknownFiles, trashBatchesEmptied, simplified: store.simplifiedOnOpen };
    return store;
  }

  /** Samples, oldest first (ids are time-ordered), optionally only one digit or one origin. */
  list(filter: SampleFilter = {}): Sample[] {
    const all = [...this.samples.values()].filter((s) => (filter.label === undefined || s.label === filter.label) && (filter.how === undefined || s.how === filter.how));
    return all.sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : a.collectedAt > b.collectedAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** How many samples of each digit, index = digit. */
  counts(): number[] {
    const counts = new Array<number>(10).fill(0);
    for (const s of this.samples.values()) counts[s.label]++;
    return counts;
  }

  get size(): number {
    return this.samples.size;
  }

  get(id: string): Sample | undefined {
    return this.samples.get(id);
  }

  /**
   * Validates and stores a new sample; resolves once it is durably on disk. An ink denser than
   * MAX_STORED_INK_POINTS is simplified first (main/ink/bound.ts); any other is stored as it came.
   */
  add(input: NewSample): Promise<Sample> {
    const parsed = newSampleSchema.safeParse(input);
    if (!parsed.success) return Promise.reject(new SampleStoreError(`not a valid sample: ${describeIssues(parsed.error)}`));
    const now = Date.now();
    const { label, how, collectedAt, predicted, modelId } = parsed.data;
    const ink = boundInk(parsed.data.ink).ink;
    const sample: Sample = {
      id: newSampleId(now), label, ink, how, collectedAt: collectedAt ?? new Date(now).toISOString(),
      ...(predicted !== undefined ? { predicted } : {}), ...(modelId !== undefined ? { modelId } : {}),
    };
    return this.serial(async () => {
      await this.write(sample);
      this.index(sample);
      return sample;
    });
  }

  relabel(id: string, label: number): Promise<Sample> {
    if (!digitSchema.safeParse(label).success) return Promise.reject(new SampleStoreError(`relabel: ${JSON.stringify(label)} is not a digit 0-9`));
    return this.serial(async () => {
      const old = this.require(id);
      if (old.label === label) return old;
      const sample: Sample = { ...old, label };
      await this.write(sample);
      this.unindex(old);
      this.index(sample);
      return sample;
    });
  }

  /** Moves the samples to a trash batch; undoDelete(undoToken) brings them back. All ids must exist. */
  delete(ids: readonly string[]): Promise<DeleteResult> {
    return this.serial(async () => {
      const unique = [...new Set(ids)];
      if (unique.length === 0) throw new SampleStoreError('delete: no sample ids given');
      unique.forEach((id) => this.require(id));
      const undoToken = newSampleId();
      const batch = join(this.root, TRASH_DIR, undoToken);
      await mkdir(batch);
      await syncDirectory(join(this.root, TRASH_DIR));
      const moved: string[] = [];
      try {
        for (const id of unique) {
          await moveDurable(join(this.items, `${id}.json`), join(batch, `${id}.json`));
          moved.push(id);
        }
      } catch (err) {
        // all or nothing: put back what was moved, so no sample is left in a batch nobody holds the token of
        for (const id of moved) await moveDurable(join(batch, `${id}.json`), join(this.items, `${id}.json`)).catch(() => undefined);
        await rmdir(batch).catch(() => undefined);
        throw err;
      }
      for (const id of unique) this.unindex(this.samples.get(id)!);
      return { undoToken, deleted: unique.length };
    });
  }

  /** Restores the samples of one delete. A file in the batch that is no longer a valid sample is set aside and reported. */
  undoDelete(undoToken: string): Promise<{ restored: Sample[]; setAside: SetAside[] }> {
    return this.serial(async () => {
      if (!TOKEN_PATTERN.test(undoToken)) throw new SampleStoreError(`undo: ${JSON.stringify(undoToken)} is not an undo token`);
      const batch = join(this.root, TRASH_DIR, undoToken);
      let names: string[];
      try {
        names = (await readdir(batch)).sort();
      } catch {
        throw new SampleStoreError({ code: 'samples.undoGone', params: { token: undoToken } });
      }
      const restored: Sample[] = [];
      const setAside: SetAside[] = [];
      for (const name of names) {
        const r = await this.readSampleFile(join(batch, name), name);
        if ('sample' in r && !this.samples.has(r.sample.id)) {
          await moveDurable(join(batch, name), join(this.items, name));
          this.index(r.sample);
          restored.push(r.sample);
        } else {
          setAside.push(await this.setAside(batch, name, 'sample' in r ? `a sample with id ${r.sample.id} is already in the store` : r.reason));
        }
      }
      await rmdir(batch).catch(() => undefined);
      return { restored, setAside };
    });
  }

  /**
   * Imports a file of samples: a zip made by exportZip, or JSON Lines in the ink format. The file is
   * inflated and parsed in a worker thread under the budgets of LIMITS (a file over one is refused as a
   * whole, code 'too-large'); every record is validated and its ink bounded; the ones not imported
   * (malformed, past the record cap, or already in the store) are counted, the first of them listed with
   * the reason. Nothing is stored unless the whole file could be read.
   */
  async importFile(bytes: Uint8Array, source = 'import', options: ImportOptions = {}): Promise<ImportReport> {
    const limits: ImportLimits = { ...IMPORT_LIMITS, ...options.limits };
    if (bytes.length === 0) throw new SampleStoreError({ code: 'import.empty', params: { file: source } });
    let parsed: ParsedImport;
    try {
      parsed = await parseInWorker(bytes, source, limits);
    } catch (err) {
      throw err instanceof ImportRefused ? new SampleStoreError(err.reason) : new SampleStoreError((err as Error).message);
    }
    return this.serial(async () => {
      const tally = new SkipTally(limits.maxReportedSkips);
      for (const s of parsed.skipped) tally.add(s);
      tally.skippedTotal = parsed.skippedTotal;
      const files = parsed.files.map((f) => ({ ...f }));
      const fileOf = (where: string) => files.find((f) => f.read && f.file === where.slice(0, where.lastIndexOf(':')));
      const imported: Sample[] = [];
      for (const c of parsed.candidates) {
        const fp = sampleFingerprint(c.label, c.ink.strokes);
        const existing = this.fingerprints.get(fp);
        if (existing) {
          tally.skip(c.where, 'skip.duplicate', { id: existing });
          const f = fileOf(c.where);
          if (f) {
            f.taken--;
            f.skipped++;
          }
          continue;
        }
        const sample: Sample = {
          id: newSampleId(), label: c.label, ink: c.ink, how: 'imported', collectedAt: c.collectedAt ?? new Date().toISOString(),
          ...(c.predicted !== undefined ? { predicted: c.predicted } : {}), ...(c.modelId !== undefined ? { modelId: c.modelId } : {}),
        };
        await this.write(sample);
        this.index(sample);
        imported.push(sample);
      }
      return { imported, skipped: tally.skipped, skippedTotal: tally.skippedTotal, files };
    });
  }

  /** Everything in corrupt/ (set aside now or in an earlier session), with the recorded reason. */
  async setAsideFiles(): Promise<{ file: string; reason: string }[]> {
    const dir = join(this.root, CORRUPT_DIR);
    const names = (await readdir(dir)).filter((n) => !n.endsWith('.why.txt')).sort();
    return Promise.all(names.map(async (file) => ({
      file, reason: (await readFile(join(dir, `${file}.why.txt`), 'utf8').catch(() => 'no reason recorded')).trim(),
    })));
  }

  /** Resolves when every change queued so far is on disk. */
  async flush(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private require(id: string): Sample {
    const s = this.samples.get(id);
    if (!s) throw new SampleStoreError({ code: 'samples.notFound', params: { id } });
    return s;
  }

  private async write(sample: Sample): Promise<void> {
    if (!SAMPLE_ID_PATTERN.test(sample.id)) throw new SampleStoreError(`bad sample id ${JSON.stringify(sample.id)}`);
    const bytes = new TextEncoder().encode(`${JSON.stringify(toRecord(sample))}\n`);
    await writeFileAtomic(join(this.items, `${sample.id}.json`), bytes);
  }

  private index(sample: Sample): void {
    this.samples.set(sample.id, sample);
    this.fingerprints.set(sampleFingerprint(sample.label, sample.ink.strokes), sample.id);
  }

  private unindex(sample: Sample): void {
    this.samples.delete(sample.id);
    const fp = sampleFingerprint(sample.label, sample.ink.strokes);
    if (this.fingerprints.get(fp) === sample.id) this.fingerprints.delete(fp);
  }

  private async readSampleFile(path: string, name: string): Promise<{ sample: Sample } | { reason: string }> {
    let size = 0;
    try {
      size = (await stat(path)).size;
    } catch {
      // reported by the read below
    }
    if (size <= LARGE_FILE_BYTES) return this.parseSampleFile(path, name);
    // one large file at a time, so an old store of huge inks does not load them all at once
    const run = this.largeRead.then(() => this.parseSampleFile(path, name));
    this.largeRead = run.catch(() => undefined);
    return run;
  }

  private async parseSampleFile(path: string, name: string): Promise<{ sample: Sample } | { reason: string }> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
    } catch (err) {
      return { reason: `cannot be read as UTF-8 text (${(err as Error).message})` };
    }
    if (text.trim() === '') return { reason: 'the file is empty' };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { reason: `not valid JSON (${(err as Error).message})` };
    }
    const parsed = sampleRecordSchema.safeParse(json);
    if (!parsed.success) return { reason: `not a valid sample record: ${describeIssues(parsed.error)}` };
    if (`${parsed.data.id}.json` !== name) return { reason: `the record's id ${parsed.data.id} does not match its file name` };
    const sample = fromRecord(parsed.data);
    if (countPoints(sample.ink.strokes) <= IMPORT_LIMITS.maxStoredInkPoints) return { sample };
    // written before stored inks were bounded: simplified once, and rewritten (atomically) so it stays so
    const bounded: Sample = { ...sample, ink: boundInk(sample.ink, IMPORT_LIMITS.maxStoredInkPoints).ink };
    if (path === join(this.items, name)) {
      await this.write(bounded);
      this.simplifiedOnOpen++;
    }
    return { sample: bounded };
  }

  private async setAside(dir: string, name: string, reason: string): Promise<SetAside> {
    const corrupt = join(this.root, CORRUPT_DIR);
    const target = await freeName(corrupt, name);
    await writeFile(join(corrupt, `${target}.why.txt`), `${reason}\n`);
    await moveDurable(join(dir, name), join(corrupt, target));
    return { file: name, reason, movedTo: join(corrupt, target) };
  }

  private async emptyOldTrash(): Promise<number> {
    const trash = join(this.root, TRASH_DIR);
    let emptied = 0;
    for (const name of await readdir(trash)) {
      const ms = TOKEN_PATTERN.test(name) ? parseInt(name.slice(0, 9), 36) : await stat(join(trash, name)).then((s) => s.mtimeMs, () => Date.now());
      if (Date.now() - ms > TRASH_KEEP_MS) {
        await rm(join(trash, name), { recursive: true, force: true });
        emptied++;
      }
    }
    return emptied;
  }
}
