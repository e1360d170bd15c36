import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { META_FILE, REJECT_FILE } from '../../main/model-folder/folder.ts';
import type { RejectHeadFile } from '../../main/nondigit/index.ts';

/**
 * Writes what the folder's reject head is and was trained on into the model card (meta.json,
 * `rejectHead`), from reject.json's own card. The folder must be sealed again afterwards.
 */
export async function recordRejectHeadInCard(dir: string): Promise<void> {
  const head = JSON.parse(await readFile(join(dir, REJECT_FILE), 'utf8')) as RejectHeadFile;
  const metaPath = join(dir, META_FILE);
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
  const card = head.card as Record<string, unknown> & { data?: Record<string, unknown>; crossValidated?: Record<string, unknown> };
  meta.rejectHead = {
    file: REJECT_FILE,
    what: card.what,
    reads: head.features,
    trainedOn: card.data,
    recipe: card.recipe,
    threshold: { value: head.threshold, how: (card.recipe as Record<string, unknown> | undefined)?.threshold },
    crossValidated: card.crossValidated ? { flaggedDigits: card.crossValidated.flaggedDigits, flaggedNonDigits: card.crossValidated.flaggedNonDigits } : undefined,
    degenerateLimits: card.degenerateLimits,
    createdAt: card.createdAt,
  };
  await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
}
