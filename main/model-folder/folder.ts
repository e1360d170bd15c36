import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LAYER_KINDS as ENGINE_LAYER_KINDS, networkInfo, weightsFromFile, weightsToFile, type NetworkSpec, type Weights } from '../engine/index.ts';
import { exportOnnx } from '../onnx/export.ts';
import { writeFileAtomic } from '../storage/durable.ts';
import { weightsProblem } from '../onnx/parameters.ts';
import { rejectHeadFromFile, type RejectHead, type RejectHeadFile } from '../nondigit/head.ts';

/**
 * A model on disk is a folder of three files: the ONNX graph the runtime executes, the engine weights
 * (which also carry the network spec) and the model card.
 */
export const MODEL_FILE = 'model.onnx';
export const WEIGHTS_FILE = 'weights.json';
export const META_FILE = 'meta.json';
/** Optional: the not-a-digit reject head (main/nondigit), trained on this model's F6 and scores. */
export const REJECT_FILE = 'reject.json';
export type ModelFileName = typeof MODEL_FILE | typeof WEIGHTS_FILE | typeof META_FILE | typeof REJECT_FILE;

/**
 * The model card. Training writes arch, metrics, recipe and so on; readers rely only on it being a JSON
 * object whose `arch`, when present, matches the weights' spec.
 */
export type ModelCard = Readonly<Record<string, unknown>> & { readonly arch?: string; readonly integrity?: Integrity };

/**
 * The SHA-256 of model.onnx and weights.json, recorded in meta.json when the folder is written (for the
 * shipped models: when they were trained, or sealed with `npm run seal-model`). A file changed or
 * damaged afterwards no longer matches, even one that still loads and agrees with the other file (both
 * zeroed, say).
 */
export interface Integrity {
  readonly algorithm: 'sha256';
  readonly [MODEL_FILE]: string;
  readonly [WEIGHTS_FILE]: string;
  /** Present when the folder has a reject head; a reject.json the record does not name is refused. */
  readonly [REJECT_FILE]?: string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function integrityOf(onnx: Uint8Array, weightsJson: Uint8Array, rejectJson?: Uint8Array | null): Integrity {
  return { algorithm: 'sha256', [MODEL_FILE]: sha256(onnx), [WEIGHTS_FILE]: sha256(weightsJson), ...(rejectJson ? { [REJECT_FILE]: sha256(rejectJson) } : {}) };
}

export interface ModelFolder {
  readonly spec: NetworkSpec;
  readonly weights: Weights;
  readonly meta: ModelCard;
  /** The bytes of model.onnx. */
  readonly onnx: Uint8Array;
  /** The reject head of reject.json, or null when the folder has none. */
  readonly reject: RejectHead | null;
}

/** A model folder that cannot be used; `file` is the file at fault and the message names its path. */
export class ModelLoadError extends Error {
  readonly file: ModelFileName;
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.name = 'ModelLoadError';
    this.path = path;
    this.file = basename(path) as ModelFileName;
  }
}

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const weightsPath = join(dir, WEIGHTS_FILE);
  const metaPath = join(dir, META_FILE);
  const modelPath = join(dir, MODEL_FILE);

  const weightsBytes = await readBytes(weightsPath);
  const weightsJson = parseJson(weightsPath, weightsBytes);
  let spec: NetworkSpec;
  let weights: Weights;
  try {
    ({ spec, weights } = weightsFromFile(weightsJson));
    const problem = specProblem(spec);
    if (problem) throw new Error(`the network spec is invalid: ${problem}`);
    networkInfo(spec);
  } catch (err) {
    throw new ModelLoadError(weightsPath, `not a usable weights file: ${(err as Error).message}`, { cause: err });
  }
  const problem = weightsProblem(spec, weights);
  if (problem) throw new ModelLoadError(weightsPath, `weights do not fit the ${spec.arch} network they describe: ${problem}`);

  const metaJson = parseJson(metaPath, await readBytes(metaPath));
  if (typeof metaJson !== 'object' || metaJson === null || Array.isArray(metaJson)) {
    throw new ModelLoadError(metaPath, 'the model card must be a JSON object');
  }
  const meta = metaJson as ModelCard;
  if (meta.arch !== undefined && meta.arch !== spec.arch) {
    throw new ModelLoadError(metaPath, `the card says arch ${JSON.stringify(meta.arch)} but ${WEIGHTS_FILE} holds a ${spec.arch} network`);
  }

  const onnx = await readBytes(modelPath);
  if (onnx.length === 0) throw new ModelLoadError(modelPath, 'the file is empty');
  if (meta.integrity !== undefined) {
    const recorded = meta.integrity as unknown as Partial<Record<string, unknown>>;
    if (recorded.algorithm !== 'sha256') throw new ModelLoadError(metaPath, `its integrity record names no known digest (${JSON.stringify(recorded.algorithm)})`);
    for (const [path, bytes] of [[modelPath, onnx], [weightsPath, weightsBytes]] as const) {
      if (recorded[basename(path)] !== sha256(bytes)) {
        throw new ModelLoadError(path, `the file does not match the SHA-256 recorded in ${META_FILE}: it was changed or damaged after the model was written`);
      }
    }
  }
  const rejectPath = join(dir, REJECT_FILE);
  const rejectBytes = await readBytes(rejectPath).catch((err: unknown) => {
    if (err instanceof ModelLoadError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
    throw err;
  });
  let reject: RejectHead | null = null;
  if (!rejectBytes && (meta.integrity as unknown as Partial<Record<string, unknown>> | undefined)?.[REJECT_FILE] !== undefined) {
    throw new ModelLoadError(rejectPath, `the file is missing, but ${META_FILE} records its SHA-256`);
  }
  if (rejectBytes) {
    const recorded = meta.integrity as unknown as Partial<Record<string, unknown>> | undefined;
    if (recorded !== undefined && recorded[REJECT_FILE] !== sha256(rejectBytes)) {
      throw new ModelLoadError(rejectPath, `the file does not match the SHA-256 recorded in ${META_FILE}${recorded[REJECT_FILE] === undefined ? ' (it records none for it)' : ''}: it was changed or added after the model was written`);
    }
    try {
      reject = rejectHeadFromFile(parseJson(rejectPath, rejectBytes));
    } catch (err) {
      if (err instanceof ModelLoadError) throw err;
      throw new ModelLoadError(rejectPath, `not a usable reject head: ${(err as Error).message}`, { cause: err });
    }
  }
  return { spec, weights, meta, onnx, reject };
}

/** Writes the three files of a model folder (exporting model.onnx from the weights), each atomically. */
export async function writeModelFolder(
  dir: string,
  model: { spec: NetworkSpec; weights: Weights; meta: ModelCard; reject?: RejectHeadFile | null; /** An imported graph, stored as it is instead of exported from the weights. */ onnx?: Uint8Array },
): Promise<void> {
  const problem = weightsProblem(model.spec, model.weights);
  if (problem) throw new Error(`cannot write model folder ${dir}: ${problem}`);
  if (model.meta.arch !== undefined && model.meta.arch !== model.spec.arch) {
    throw new Error(`cannot write model folder ${dir}: the card says arch ${JSON.stringify(model.meta.arch)} for a ${model.spec.arch} network`);
  }
  const onnx = model.onnx ?? exportOnnx(model.spec, model.weights, { metadata: { arch: model.spec.arch } });
  const encoder = new TextEncoder();
  const weightsJson = encoder.encode(JSON.stringify(weightsToFile(model.spec, model.weights)));
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weightsJson);
  await writeFileAtomic(join(dir, MODEL_FILE), onnx);
  const rejectJson = model.reject ? encoder.encode(`${JSON.stringify(model.reject)}\n`) : null;
  if (rejectJson) await writeFileAtomic(join(dir, REJECT_FILE), rejectJson);
  // meta.json last: a folder is complete, and its digests true, once its card is there.
  const meta = { arch: model.spec.arch, ...model.meta, integrity: integrityOf(onnx, weightsJson, rejectJson) };
  await writeFileAtomic(join(dir, META_FILE), encoder.encode(`${JSON.stringify(meta, null, 2)}\n`));
}

const LAYER_KINDS: ReadonlySet<string> = new Set(ENGINE_LAYER_KINDS);

/**
 * The checks a spec read from disk needs before the layer arithmetic can run on it without crashing;
 * the arithmetic then checks every shape.
 */
function specProblem(spec: NetworkSpec): string | null {
  if (typeof spec.arch !== 'string' || spec.arch === '') return 'arch must be a non-empty string';
  if (spec.head !== 'softmax' && spec.head !== 'rbf') return `head must be "softmax" or "rbf", got ${JSON.stringify(spec.head)}`;
  const input = spec.input as Partial<NetworkSpec['input']> | undefined;
  const dims = [input?.channels, input?.height, input?.width];
  if (!dims.every((d) => Number.isInteger(d) && (d as number) > 0)) return 'input needs positive integer channels, height and width';
  if (spec.layers.length === 0) return 'there are no layers';
  for (const [i, layer] of spec.layers.entries()) {
    if (typeof layer !== 'object' || layer === null) return `layer ${i} is not an object`;
    if (typeof layer.name !== 'string' || layer.name === '') return `layer ${i} has no name`;
    if (!LAYER_KINDS.has(layer.kind)) return `layer ${layer.name} has the unknown kind ${JSON.stringify(layer.kind)}`;
  }
  return null;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    let reason = `the file cannot be read (${(err as Error).message})`;
    if (code === 'ENOENT') {
      const folderExists = await stat(dirname(path)).then((s) => s.isDirectory(), () => false);
      reason = folderExists ? 'the file is missing' : 'the file is missing (the model folder does not exist)';
    }
    throw new ModelLoadError(path, reason, { cause: err });
  }
}

function parseJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ModelLoadError(path, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
