import { parentPort, workerData } from 'node:worker_threads';
import { Network } from '../engine/network.ts';
import { ShardComputer } from '../engine/train/shard.ts';
import { CTRL_COUNT, CTRL_DONE, CTRL_EPOCH, CTRL_STEP, CTRL_STOP, shardRange, type WorkerSetup } from '../engine/train/shared.ts';
import { engineKernels } from '../wasm/load-kernels.ts';

/** A gradient worker: waits for a batch, computes its shard's gradient into its slot, reports, repeats. */
const setup = workerData as WorkerSetup;
const paramCount = new Float32Array(setup.params).length;
void engineKernels({ want: setup.kernels }).then(({ instance }) => run(new Network(setup.spec, {
  paramBuffer: new Float32Array(setup.params),
  gradBuffer: new Float32Array(setup.grads, setup.shard * paramCount * 4, paramCount),
  kernels: instance,
})));

function run(network: Network): void {
  const data = {
    count: setup.count, width: setup.width, height: setup.height,
    images: new Uint8Array(setup.images), labels: new Uint8Array(setup.labels),
  };
  const ctrl = new Int32Array(setup.ctrl);
  const indices = new Int32Array(setup.indices);
  const stats = new Float64Array(setup.stats);
  const computer = new ShardComputer(network, data, setup.augment, setup.seed, Math.ceil(setup.maxBatch / setup.workers) + 1);

  let seen = Atomics.load(ctrl, CTRL_STEP);
  parentPort?.postMessage('ready');
  for (;;) {
    Atomics.wait(ctrl, CTRL_STEP, seen);
    seen = Atomics.load(ctrl, CTRL_STEP);
    if (Atomics.load(ctrl, CTRL_STOP) === 1) break;
    const n = Atomics.load(ctrl, CTRL_COUNT);
    const [from, to] = shardRange(n, setup.shard, setup.workers);
    const r = computer.compute(indices, from, to, Atomics.load(ctrl, CTRL_EPOCH), 1 / n);
    stats[setup.shard * 2] = r.lossSum;
    stats[setup.shard * 2 + 1] = r.correct;
    Atomics.add(ctrl, CTRL_DONE, 1);
    Atomics.notify(ctrl, CTRL_DONE);
  }
}
