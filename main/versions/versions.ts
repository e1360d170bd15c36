import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { NetworkSpec, Weights } from '../engine/index.ts';
import { modelRoots } from './paths.ts';
import { scanModels, type ModelEntry } from './registry.ts';
import type { ParityReport } from '../runtime/index.ts';
import { readModelFolder, writeModelFolder, type ModelCard } from '../model-folder/folder.ts';
import type { RejectHeadFile } from '../nondigit/head.ts';
import { verifyModel } from './verify.ts';
import { checkOnnx, MAX_CARD_IMPORT_BYTES, OnnxImportError } from './onnx-import.ts';
import { kindOf, reasonMessage, reasonOf, type Reason } from '../api/error-codes.ts';

export { parityInputs } from './parity-inputs.ts';
import { sweepTempFiles, syncDirectory, writeFileAtomic } from '../storage/durable.ts';

/**
 * Model versions on disk. Bundled models (native-models/, read-only) and the person's own in
 * `<dataDir>/models/<id>/` (each a model folder; its meta.json holds parent, createdAt and the
 * fine-tune's result card). Which one is active is named by `<dataDir>/models/active.json`, replaced
 * atomically, so a crash during an activation leaves the previous pointer or the new one, whole.
 * A personal model is written into `<dataDir>/models/.staging/` and renamed into place when complete.
 * Listing is main/versions/registry.ts's scanModels over the same roots, so the core and this module always
 * agree on ids.
 */
export const ACTIVE_FILE = 'active.json';
const STAGING_DIR = '.staging';

const pointerSchema = z.object({
  id: z.string().min(1),
  activatedAt: z.string(),
  previousId: z.string().nullable(),
});
export type ActivePointer = z.infer<typeof pointerSchema>;

export interface ModelVersion {
  readonly id: string;
  readonly dir: string;
  readonly arch: string;
  readonly bundled: boolean;
  readonly card: Record<string, unknown>;
  readonly createdAt: string | null;
  readonly parent: string | null;
}

export interface ActiveModel {
  readonly id: string;
  readonly dir: string;
  /** Set when the pointer could not be followed and the bundled model stands in: say it to the person (English, for logs). */
  readonly notice: string | null;
  /** The same, as reasons the page translates (error-codes.ts `fallback.*`), in order; empty with no notice. */
  readonly noticeReasons: readonly Reason[];
}

/** An active model with the notice its reasons make (each reason's English message, one after another). */
function withNotice(model: { id: string; dir: string }, reasons: readonly Reason[]): ActiveModel {
  return { id: model.id, dir: model.dir, notice: reasons.length > 0 ? reasons.map(reasonMessage).join(' ') : null, noticeReasons: reasons };
}

export interface ActivationResult {
  readonly id: string;
  readonly previousId: string | null;
  /** ONNX Runtime vs the engine on the check inputs. */
  readonly parity: ParityReport;
}

export class ModelVersionError extends Error {
  readonly code: 'not-found' | 'bad-request' | 'unavailable';
  /** Why, as a code the page translates (error-codes.ts). */
  readonly reason?: Reason;
  constructor(what: string | Reason, code: 'not-found' | 'bad-request' | 'unavailable' = 'bad-request') {
    super(typeof what === 'string' ? what : reasonMessage(what));
    this.name = 'ModelVersionError';
    if (typeof what === 'string') this.code = code;
    else {
      this.reason = what;
      const kind = kindOf(what);
      this.code = kind === 'not-found' || kind === 'unavailable' ? kind : 'bad-request';
    }
  }
}

export interface ModelVersionsOptions {
  /** native-models/ (in a packaged app: process.resourcesPath/native-models). */
  readonly bundledDir: string;
  /** The app's data folder. */
  readonly dataDir: string;
  /** The bundled model to fall back to (default 'modern'; else the first bundled one). */
  readonly defaultId?: string;
}

export class ModelVersions {
  private constructor(private readonly options: ModelVersionsOptions) {}

  /** Opens the versions of a data folder, removing what a crash left half-written in staging. */
  static async open(options: ModelVersionsOptions): Promise<ModelVersions> {
    const v = new ModelVersions(options);
    await mkdir(v.stagingDir, { recursive: true });
    await sweepTempFiles(v.stagingDir);
    await sweepTempFiles(v.personalDir); // an interrupted pointer write
    return v;
  }

  get personalDir(): string {
    return join(this.options.dataDir, 'models');
  }

  get pointerPath(): string {
    return join(this.personalDir, ACTIVE_FILE);
  }

  private get stagingDir(): string {
    return join(this.personalDir, STAGING_DIR);
  }

  /** Bundled first, then personal ones oldest first; folders that cannot be listed come back in `skipped`. */
  async list(): Promise<{ versions: ModelVersion[]; skipped: { dir: string; reason: string }[] }> {
    const found = await scanModels(modelRoots(this.options.bundledDir, this.options.dataDir));
    const versions = found.models.map(toVersion);
    const bundled = versions.filter((v) => v.bundled);
    const personal = versions.filter((v) => !v.bundled).sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
    return { versions: [...bundled, ...personal], skipped: found.skipped };
  }

  async get(id: string): Promise<ModelVersion> {
    const { versions } = await this.list();
    const v = versions.find((x) => x.id === id);
    if (!v) throw new ModelVersionError({ code: 'model.notFound', params: { id, known: versions.map((x) => x.id).join(', ') || 'none' } });
    return v;
  }

  /** The pointer as written, or null when there is none; throws on an unreadable one. */
  async readPointer(): Promise<ActivePointer | null> {
    let text: string;
    try {
      text = await readFile(this.pointerPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ModelVersionError(`${this.pointerPath} cannot be read (${(err as Error).message})`, 'unavailable');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ModelVersionError(`${this.pointerPath} is not valid JSON (${(err as Error).message})`, 'unavailable');
    }
    const parsed = pointerSchema.safeParse(json);
    if (!parsed.success) throw new ModelVersionError(`${this.pointerPath} is not an active-model pointer (${parsed.error.issues[0]?.message})`, 'unavailable');
    return parsed.data;
  }

  /**
   * The model to serve: the one the pointer names if it verifies (verify.ts: digests, ONNX Runtime loads
   * it, parity with the engine), else the bundled default with a notice saying which file is damaged and
   * why. No pointer yet (first start) is not worth a notice. `verify: false` only reads the pointer.
   */
  async active(options: { verify?: boolean } = {}): Promise<ActiveModel> {
    const { versions } = await this.list();
    const verify = options.verify ?? false;
    let pointer: ActivePointer | null = null;
    let problem: ((fallback: string) => Reason) | null = null;
    try {
      pointer = await this.readPointer();
    } catch (err) {
      problem = (fallback) => reasonOf('fallback.pointerDamaged', { fallback, detail: (err as Error).message });
    }
    if (pointer) {
      const id = pointer.id;
      const named = versions.find((v) => v.id === id);
      if (!named) problem = (fallback) => reasonOf('fallback.missing', { id, fallback });
      else {
        const why = await this.problemOf(named, verify);
        if (why === null) return withNotice(named, []);
        problem = (fallback) => reasonOf('fallback.cannotLoad', { id, fallback, detail: why });
      }
    }
    const fallback = await this.fallback(versions, verify);
    if (problem === null) return fallback;
    return withNotice(fallback, [problem(fallback.id), ...fallback.noticeReasons]);
  }

  /** Why a version cannot be trusted, or null: its files read and match their digests, and with `verify` it verifies fully. */
  private async problemOf(version: ModelVersion, verify = true): Promise<string | null> {
    try {
      if (verify) await verifyModel(version.dir, { bundled: version.bundled });
      else await readModelFolder(version.dir);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * Makes `id` the active model. Before the pointer changes, the model is loaded with ONNX Runtime and
   * its outputs compared with the engine's on a handful of digits; a model that fails either stays
   * inactive. Rollback is activating an older version.
   */
  async activate(id: string): Promise<ActivationResult> {
    const version = await this.get(id);
    let parity: ParityReport;
    try {
      parity = await verifyModel(version.dir, { bundled: version.bundled });
    } catch (err) {
      throw new ModelVersionError({ code: 'model.notActivated', params: { id, detail: (err as Error).message } });
    }
    const current = await this.active();
    const previousId = current.id === id ? (await this.readPointer().catch(() => null))?.previousId ?? null : current.id;
    const pointer: ActivePointer = { id, activatedAt: new Date().toISOString(), previousId };
    await mkdir(this.personalDir, { recursive: true });
    await writeFileAtomic(this.pointerPath, new TextEncoder().encode(`${JSON.stringify(pointer, null, 2)}\n`));
    return { id, previousId, parity };
  }

  /** Activates the model that was active before the current one. */
  async rollback(): Promise<ActivationResult> {
    const pointer = await this.readPointer().catch(() => null);
    if (!pointer?.previousId) throw new ModelVersionError({ code: 'model.noEarlier', params: {} });
    return this.activate(pointer.previousId);
  }

  /**
   * Writes a new personal model folder (staged, then renamed into place, so a crash never leaves a
   * half-written version listed) and returns it. It is not activated.
   */
  async savePersonal(model: { spec: NetworkSpec; weights: Weights; card: ModelCard; parent: string | null; id?: string; reject?: RejectHeadFile | null; onnx?: Uint8Array; idStem?: string }): Promise<ModelVersion> {
    const createdAt = new Date();
    const id = model.id ?? (await this.freeId(`${model.spec.arch}-${model.idStem ?? 'personal'}-${stamp(createdAt)}`));
    const staging = join(this.stagingDir, `${id}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const meta: ModelCard = { arch: model.spec.arch, personal: true, parent: model.parent, createdAt: createdAt.toISOString(), ...model.card };
    try {
      // the base's not-a-digit reject head comes along (copied, not refitted)
      await writeModelFolder(staging, { spec: model.spec, weights: model.weights, meta, reject: model.reject ?? null, ...(model.onnx ? { onnx: model.onnx } : {}) });
      await rename(staging, join(this.personalDir, id));
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (['EEXIST', 'ENOTEMPTY'].includes((err as NodeJS.ErrnoException).code ?? '')) throw new ModelVersionError({ code: 'model.exists', params: { id } });
      throw err;
    }
    await syncDirectory(this.personalDir);
    return this.get(id);
  }

  /**
   * Adds a model from an ONNX file (and, optionally, its card as JSON): checked by checkOnnx, stored as
   * a personal model marked `imported` with the file as it was, then verified like any model before it
   * is listed (ONNX Runtime against the engine on the parameters read from it). A file that fails any
   * check changes nothing. Returns the new version and which fields of the card were taken.
   */
  async importOnnx(bytes: Uint8Array, file: string, card?: { bytes: Uint8Array; file: string }): Promise<{ version: ModelVersion; cardTaken: string[]; cardIgnored: string[] }> {
    const { versions } = await this.list();
    const specs: NetworkSpec[] = [];
    for (const v of versions.filter((x) => x.bundled)) specs.push((await readModelFolder(v.dir)).spec);
    const meta = card ? readImportedCard(card.bytes, card.file) : { taken: {}, ignored: [] };
    const checked = await checkOnnx(bytes, file, specs);
    const stored = await this.savePersonal({
      spec: checked.spec, weights: checked.weights, onnx: checked.onnx, parent: null, idStem: 'imported',
      card: { ...meta.taken, personal: false, imported: { file, at: new Date().toISOString(), ...(card ? { card: card.file } : {}) } },
    });
    try {
      await verifyModel(stored.dir, { bundled: false });
    } catch (err) {
      await rm(stored.dir, { recursive: true, force: true });
      await syncDirectory(this.personalDir);
      throw new OnnxImportError({ code: 'onnxImport.inconsistent', params: { file, detail: (err as Error).message.slice(0, 300) } });
    }
    return { version: stored, cardTaken: Object.keys(meta.taken), cardIgnored: meta.ignored };
  }

  /** Discards a personal model. The bundled ones and the active one cannot be removed. */
  async remove(id: string): Promise<void> {
    const version = await this.get(id);
    if (version.bundled) throw new ModelVersionError({ code: 'model.bundledRemove', params: { id } });
    if ((await this.active()).id === id) throw new ModelVersionError({ code: 'model.activeRemove', params: { id } });
    // out of the listing in one rename, then deleted at leisure (a crash leaves only a staging leftover)
    const doomed = join(this.stagingDir, `${id}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await rename(version.dir, doomed);
    await syncDirectory(this.personalDir);
    await rm(doomed, { recursive: true, force: true });
  }

  /** The bundled default; with `verify`, the first bundled model that verifies, the default first. */
  private async fallback(versions: readonly ModelVersion[], verify: boolean): Promise<ActiveModel> {
    const bundled = versions.filter((v) => v.bundled);
    const defaultId = this.options.defaultId ?? 'modern';
    const order = [...bundled.filter((v) => v.id === defaultId), ...bundled.filter((v) => v.id !== defaultId)];
    if (order.length === 0) throw new ModelVersionError(`no bundled model in ${this.options.bundledDir}`, 'unavailable');
    if (!verify) return withNotice(order[0], []);
    const problems: { id: string; why: string }[] = [];
    for (const v of order) {
      const why = await this.problemOf(v);
      if (why === null) {
        const damaged = problems.length > 0 ? [reasonOf('fallback.bundledDamaged', { ids: problems.map((p) => p.id).join(', '), detail: problems.map((p) => p.why).join('; ') })] : [];
        return withNotice(v, damaged);
      }
      problems.push({ id: v.id, why });
    }
    return withNotice(order[0], [reasonOf('fallback.allDamaged', { detail: problems.map((p) => `${p.id}: ${p.why}`).join('; ') })]);
  }

  private async freeId(base: string): Promise<string> {
    const { versions } = await this.list();
    const taken = new Set(versions.map((v) => v.id));
    for (let i = 1; ; i++) {
      const id = i === 1 ? base : `${base}-${i}`;
      if (!taken.has(id)) return id;
    }
  }
}

function toVersion(e: ModelEntry): ModelVersion {
  const createdAt = typeof e.card.createdAt === 'string' ? e.card.createdAt : null;
  const parent = typeof e.card.parent === 'string' ? e.card.parent : null;
  return { id: e.id, dir: e.dir, arch: e.arch, bundled: e.bundled, card: e.card, createdAt, parent };
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}


/** What an imported card may say: its texts and its figures; the rest (integrity, lineage, ids) is the app's to write. */
const CARD_FIELDS = ['title', 'i18n', 'description', 'architecture', 'trainedOn', 'recipe', 'data', 'parameters', 'epochs', 'trainingSeconds', 'testAccuracy', 'validationAccuracy', 'seed', 'history'] as const;

function readImportedCard(bytes: Uint8Array, file: string): { taken: Record<string, unknown>; ignored: string[] } {
  const bad = (detail: string) => new OnnxImportError({ code: 'onnxImport.badCard', params: { file, detail } });
  if (bytes.length > MAX_CARD_IMPORT_BYTES) throw bad(`${bytes.length} bytes; a card holds at most ${MAX_CARD_IMPORT_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw bad((err as Error).message.slice(0, 200));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('not a JSON object');
  const taken: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if ((CARD_FIELDS as readonly string[]).includes(key)) taken[key] = value;
    else ignored.push(key);
  }
  return { taken, ignored };
}
