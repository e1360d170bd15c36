import { parentPort, workerData } from 'node:worker_threads';
import { buildNetwork, type Network } from '../engine/index.ts';
import type { ScratchToParent, ScratchToWorker } from './scratch-job.ts';
import { scratchSpec, ScratchGate, trainFromScratch, type ScratchInput } from './scratch-train.ts';

/**
 * The training worker of a training from scratch: runs it, obeys pause/resume/step/cancel, and answers
 * probes (the current drawing through the network with the weights of the moment) between batches.
 */
const { input } = workerData as { input: ScratchInput };
const post = (m: ScratchToParent) => parentPort?.postMessage(m);
const gate = new ScratchGate();
let training: Network | null = null;
let done = 0;
const probeNet = buildNetwork(scratchSpec(input.options.arch));

parentPort?.on('message', (m: ScratchToWorker) => {
  if (m.type === 'control') {
    if (m.action === 'pause') gate.pause();
    else if (m.action === 'resume') gate.resume();
    else if (m.action === 'step') gate.step();
    else gate.cancel();
    post({ type: 'state', state: gate.isCancelled ? 'stopping' : gate.state });
    return;
  }
  if (!training) {
    post({ type: 'probe', id: m.id, answer: null });
    return;
  }
  probeNet.paramData.set(training.paramData);
  const result = probeNet.forward(m.input, 1);
  const maps = result.activations.filter((a) => a.shape.length === 3 && a.shape[1] > 1);
  post({ type: 'probe', id: m.id, answer: { done, probabilities: Array.from(result.probabilities), activations: maps.map((a) => ({ name: a.name, shape: [...a.shape], data: a.data })) } });
});

try {
  const outcome = await trainFromScratch(input, gate, {
    onNetwork: (net) => {
      training = net;
    },
    onProgress: (progress) => {
      done = progress.done;
      post({ type: 'progress', progress });
    },
    onEpoch: (epoch) => post({ type: 'epoch', epoch }),
  });
  training = null;
  post({ type: 'outcome', outcome });
} catch (err) {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
