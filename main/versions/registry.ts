import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { META_FILE, MODEL_FILE, WEIGHTS_FILE } from '../model-folder/folder.ts';
import { ModelIdSchema } from '../api/schemas.ts';

/** A model folder found on disk, with its card read (its weights and graph are loaded on first use). */
export interface ModelEntry {
  readonly id: string;
  readonly dir: string;
  readonly arch: string;
  readonly bundled: boolean;
  readonly card: Record<string, unknown>;
}

export interface ModelRoot {
  readonly dir: string;
  /** Models shipped with the app (native-models/); personal models live elsewhere. */
  readonly bundled: boolean;
}

export interface ScanResult {
  readonly models: ModelEntry[];
  /** Folders that look like models but cannot be listed, with the reason. */
  readonly skipped: { dir: string; reason: string }[];
}

/**
 * Lists the model folders under each root: every sub-folder holding model.onnx, weights.json and a
 * meta.json that names its architecture. The folder name is the model id; the first root wins a clash.
 */
export async function scanModels(roots: readonly ModelRoot[]): Promise<ScanResult> {
  const models: ModelEntry[] = [];
  const skipped: { dir: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    let names: string[];
    try {
      names = (await readdir(root.dir)).sort();
    } catch {
      continue; // a root that does not exist (no personal models yet) holds no model
    }
    for (const name of names) {
      const dir = join(root.dir, name);
      if (!(await isDirectory(dir))) continue;
      if (!(await isFile(join(dir, META_FILE)))) continue;
      if (!ModelIdSchema.safeParse(name).success) {
        skipped.push({ dir, reason: `the folder name ${JSON.stringify(name)} is not a valid model id` });
        continue;
      }
      if (seen.has(name)) {
        skipped.push({ dir, reason: `another model is already called ${name}` });
        continue;
      }
      const missing = [];
      for (const file of [MODEL_FILE, WEIGHTS_FILE]) if (!(await isFile(join(dir, file)))) missing.push(file);
      if (missing.length > 0) {
        skipped.push({ dir, reason: `missing ${missing.join(' and ')}` });
        continue;
      }
      let card: unknown;
      try {
        card = JSON.parse(await readFile(join(dir, META_FILE), 'utf8'));
      } catch (err) {
        skipped.push({ dir, reason: `${META_FILE} is not valid JSON (${(err as Error).message})` });
        continue;
      }
      if (typeof card !== 'object' || card === null || Array.isArray(card)) {
        skipped.push({ dir, reason: `${META_FILE} is not a JSON object` });
        continue;
      }
      const arch = (card as Record<string, unknown>).arch;
      if (arch !== 'modern' && arch !== 'classic') {
        skipped.push({ dir, reason: `${META_FILE} names no known architecture (arch: ${JSON.stringify(arch)})` });
        continue;
      }
      seen.add(name);
      models.push({ id: name, dir, arch, bundled: root.bundled, card: card as Record<string, unknown> });
    }
  }
  return { models, skipped };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}
