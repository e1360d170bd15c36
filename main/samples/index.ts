/** The person's labelled samples: a crash-safe store, its exports (zip, IDX) and imports. */
import { join } from 'node:path';

export * from './record.ts';
export * from './store.ts';
export * from './export.ts';
export {
  IMPORT_LIMITS, ImportRefused, parseSampleFile, readSampleFile, type ImportCandidate, type ImportLimits, type ImportSkip, type ImportTally,
} from './import.ts';
export { parseInWorker, type ParsedImport } from './import-job.ts';
export { sweepTempFiles } from '../storage/durable.ts';

/** Where the store lives inside the app's data folder. */
export function samplesDir(dataDir: string): string {
  return join(dataDir, 'samples');
}
