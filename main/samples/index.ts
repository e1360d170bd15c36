/** The person's labelled samples: a crash-safe store, its exports (zip, IDX) and imports. */
import { join } from 'node:path';

export * from './record.ts';
export * from './store.ts';
export * from './export.ts';
export { parseSampleFile, parseJsonLines, type ImportCandidate, type ImportSkip } from './import.ts';
export { sweepTempFiles } from '../storage/durable.ts';

/** Where the store lives inside the app's data folder. */
export function samplesDir(dataDir: string): string {
  return join(dataDir, 'samples');
}
