import { parentPort, workerData } from 'node:worker_threads';
import { buildTopActivations, type TopBuildInput } from './top-activations-build.ts';

/** Builds the top-activating lists off the serving thread, posting progress after every batch. */
const input = (workerData as { input: TopBuildInput }).input;
buildTopActivations(input, (done, total) => parentPort?.postMessage({ kind: 'progress', done, total })).then(
  (result) => parentPort?.postMessage({ kind: 'done', result }),
  (err: unknown) => parentPort?.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
