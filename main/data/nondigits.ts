import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { InkError, parseInk, type Ink } from '../ink/index.ts';

/** One ink of ../shared/data/unipen-nondigit-dev: a letter or a symbol. */
export interface CharacterInk {
  readonly ink: Ink;
  readonly label: string;
  /** 'uppercase', 'lowercase' or 'symbol' (as the file says). */
  readonly kind: string;
  readonly writer: string;
  readonly institution: string;
  readonly source: string;
}

/** Reads a JSON Lines file of character inks (string labels); malformed lines are reported, never fatal. */
export async function readCharacterFile(path: string): Promise<{ file: string; inks: CharacterInk[]; skipped: { line: number; reason: string }[] }> {
  const file = basename(path);
  const inks: CharacterInk[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let record: { label?: unknown; kind?: unknown; writer?: unknown; institution?: unknown };
    try {
      record = JSON.parse(text) as typeof record;
    } catch {
      skipped.push({ line, reason: 'not valid JSON' });
      continue;
    }
    if (typeof record.label !== 'string' || record.label === '') {
      skipped.push({ line, reason: `label ${JSON.stringify(record.label)} is not a character` });
      continue;
    }
    let ink: Ink;
    try {
      ink = parseInk({ strokes: (record as { strokes?: unknown }).strokes });
    } catch (err) {
      skipped.push({ line, reason: err instanceof InkError ? err.message : String(err) });
      continue;
    }
    const writer = typeof record.writer === 'string' ? record.writer : `${file}:unknown`;
    const institution = typeof record.institution === 'string' ? record.institution : writer.split('/')[0];
    const kind = typeof record.kind === 'string' ? record.kind : 'symbol';
    inks.push({ ink, label: record.label, kind, writer, institution, source: `${file}:${line}` });
  }
  return { file, inks, skipped };
}
