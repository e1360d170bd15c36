// Runs a TypeScript worker entry from source (scripts and tests run under tsx, whose --import hook
// does not reach worker threads on Node 20). Packaged builds start the compiled .js entry directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
