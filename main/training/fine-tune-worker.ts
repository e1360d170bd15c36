import { parentPort, workerData } from 'node:worker_threads';
import { fineTune, type FineTuneInput } from './fine-tune.ts';
import type { WorkerMessage } from './job.ts';
import { useEngineKernelsInThisThread } from '../parallel/index.ts';

/** The training worker: runs one fine-tune and posts its progress and outcome to the thread that started it. */
const { input, cancel } = workerData as { input: FineTuneInput; cancel: SharedArrayBuffer };
const flag = new Int32Array(cancel);
const post = (m: WorkerMessage) => parentPort?.postMessage(m);

try {
  // the base and tuned models are measured in this thread: on the same kernels as the training
  await useEngineKernelsInThisThread();
  const outcome = await fineTune(input, {
    onProgress: (progress) => post({ type: 'progress', progress }),
    onEpoch: (epoch) => post({ type: 'epoch', epoch }),
    shouldStop: () => Atomics.load(flag, 0) === 1,
  });
  post({ type: 'outcome', outcome });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
