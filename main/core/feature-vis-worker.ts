import { parentPort, workerData } from 'node:worker_threads';
import { buildNetwork, type NetworkSpec, type Weights } from '../engine/index.ts';
import { DEFAULT_FEATURE_VIS, visualizeUnit } from '../explain/index.ts';

/** One unit's feature visualization off the serving thread; a flag set by the core cancels it between steps. */
const { spec, weights, layerIndex, channel, positions, lowIsStrong, cancel } = workerData as {
  spec: NetworkSpec; weights: Weights; layerIndex: number; channel: number; positions: number; lowIsStrong: boolean; cancel: SharedArrayBuffer;
};
const flag = new Int32Array(cancel);
const net = buildNetwork(spec, { seed: 0 });
net.setWeights(weights);
const t0 = performance.now();
const r = visualizeUnit(net, layerIndex, channel, positions, lowIsStrong, 28, { ...DEFAULT_FEATURE_VIS, cancelled: () => Atomics.load(flag, 0) === 1 });
parentPort?.postMessage(r ? { kind: 'done', image: r.image, value: r.value, steps: r.steps, ms: performance.now() - t0 } : { kind: 'cancelled' });
