import { unzipSync } from 'fflate';
import type { Ink } from '../ink/index.ts';
import { describeIssues, newSampleSchema, sampleLineSchema, SAMPLES_JSONL } from './record.ts';

/** A record that passed every check, ready to be stored. */
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
  readonly reason: string;
}

/** A zip's JSON Lines may not unpack beyond this: a hostile file cannot exhaust memory. */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Reads the records of an import file: a zip made by the export (its samples.jsonl, or every .jsonl it
 * holds; the PNGs are derived from the inks and not read back) or a JSON Lines file in DESIGN.md's ink
 * format (`{"label": 7, "strokes": [...]}` per line, as in ../shared/data). Throws only when the file as a
 * whole is unusable; a bad record is skipped and reported.
 */
export function parseSampleFile(bytes: Uint8Array, source: string): { candidates: ImportCandidate[]; skipped: ImportSkip[] } {
  if (bytes.length === 0) throw new Error(`${source}: the file is empty`);
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return parseZip(bytes, source);
  return parseJsonLines(decodeText(bytes, source), source);
}

function parseZip(bytes: Uint8Array, source: string): { candidates: ImportCandidate[]; skipped: ImportSkip[] } {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!f.name.toLowerCase().endsWith('.jsonl')) return false;
        total += f.originalSize;
        if (total > MAX_UNPACKED_BYTES) throw new Error(`its JSON Lines unpack to more than ${MAX_UNPACKED_BYTES / 2 ** 20} MB`);
        return true;
      },
    });
  } catch (err) {
    throw new Error(`${source}: not a readable zip (${(err as Error).message})`);
  }
  const names = Object.keys(files).sort((a, b) => (a === SAMPLES_JSONL ? -1 : b === SAMPLES_JSONL ? 1 : a.localeCompare(b)));
  if (names.length === 0) throw new Error(`${source}: the zip holds no ${SAMPLES_JSONL} (nor any .jsonl file)`);
  const candidates: ImportCandidate[] = [];
  const skipped: ImportSkip[] = [];
  for (const name of names) {
    const where = `${source}/${name}`;
    let text: string;
    try {
      text = decodeText(files[name], where);
    } catch (err) {
      skipped.push({ where, reason: (err as Error).message });
      continue;
    }
    const r = parseJsonLines(text, where);
    candidates.push(...r.candidates);
    skipped.push(...r.skipped);
  }
  return { candidates, skipped };
}

function decodeText(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${source}: neither a zip nor UTF-8 text`);
  }
}

/** One record per non-blank line; each is checked on its own. */
export function parseJsonLines(text: string, source: string): { candidates: ImportCandidate[]; skipped: ImportSkip[] } {
  const candidates: ImportCandidate[] = [];
  const skipped: ImportSkip[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const where = `${source}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      skipped.push({ where, reason: 'not valid JSON' });
      continue;
    }
    const head = sampleLineSchema.safeParse(json);
    if (!head.success) {
      skipped.push({ where, reason: describeIssues(head.error) });
      continue;
    }
    const { label, strokes, collectedAt, predicted, modelId } = head.data;
    // the same checks as a sample saved from the canvas: the ink's limits, at least one point
    const sample = newSampleSchema.safeParse({ label, ink: { strokes }, how: 'imported', collectedAt, predicted, modelId });
    if (!sample.success) {
      skipped.push({ where, reason: describeIssues(sample.error) });
      continue;
    }
    const s = sample.data;
    candidates.push({
      where, label: s.label, ink: s.ink,
      ...(s.collectedAt !== undefined ? { collectedAt: s.collectedAt } : {}),
      ...(s.predicted !== undefined ? { predicted: s.predicted } : {}),
      ...(s.modelId !== undefined ? { modelId: s.modelId } : {}),
    });
  }
  return { candidates, skipped };
}
