import { parentPort, workerData } from 'node:worker_threads';
import { readSampleFile, ImportRefused, type ImportCandidate, type ImportLimits } from './import.ts';
import type { ImportWorkerMessage } from './import-job.ts';

/**
 * The import worker: inflates and parses one file, posting the valid records in batches as they are
 * read (so no one message is large) and then the tally. It writes nothing: the thread that started it
 * stores the records once the whole file has been read.
 */
const { bytes, source, limits } = workerData as { bytes: Uint8Array; source: string; limits: ImportLimits };
/** A batch is posted once it holds this many points (or BATCH_RECORDS records): each message clones quickly. */
const BATCH_POINTS = 50_000;
const BATCH_RECORDS = 500;
const post = (m: ImportWorkerMessage) => parentPort?.postMessage(m);

let batch: ImportCandidate[] = [];
let points = 0;
const flush = () => {
  if (batch.length > 0) post({ type: 'records', candidates: batch });
  batch = [];
  points = 0;
};

try {
  const tally = readSampleFile(bytes, source, (c) => {
    batch.push(c);
    for (const s of c.ink.strokes) points += s.length;
    if (points >= BATCH_POINTS || batch.length >= BATCH_RECORDS) flush();
  }, limits);
  flush();
  post({ type: 'done', skipped: tally.skipped, skippedTotal: tally.skippedTotal, files: tally.files });
} catch (err) {
  const detail = err instanceof Error ? err.message : String(err);
  post({ type: 'refused', reason: err instanceof ImportRefused ? err.reason : { code: 'import.zipUnreadable', params: { file: source, detail } } });
}
