import { Session } from 'node:inspector/promises';
import { availableParallelism } from 'node:os';
import { DEFAULT_AUGMENT, decayMask, MODERN_LENET5, Network, Optimizer, ShardComputer, type ImageDataset } from '../../main/engine/index.ts';
import { loadMnist } from '../../main/data/mnist.ts';
import { train, type TrainConfig } from '../../main/parallel/index.ts';
import { engineKernels, type KernelChoice } from '../../main/wasm/load-kernels.ts';
import type { ExtensionOptions } from './extensions.ts';

/**
 * trainEpochSec: one epoch of 60,000 MNIST digits in the modern recipe (scripts/train.ts: Adam, cosine
 * schedule with warm-up, weight decay, the default distortions, batch 64, every core): timed over all of
 * them with --full-epoch, else estimated from a timed epoch over the first 12,800 training digits (the
 * time of an epoch is proportional to its digits: the same steps, each of the same batch). The
 * validation pass after the epoch is not counted.
 * Measured for the SIMD kernels and, on fewer digits, the TypeScript ones.
 *
 * And where one training step's time goes: a CPU profile of one thread computing a worker's shard (32
 * of a batch of 64, with distortions) plus the Adam step, its self time summed by kind of work.
 */
const EPOCH = 60_000;

const config = (workers: number, kernels: KernelChoice): TrainConfig => ({
  epochs: 1, batchSize: 64, seed: 1, workers,
  optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  lr: { base: 2e-3, schedule: { kind: 'cosine', minFactor: 0.01 }, warmupSteps: 300 },
  weightDecay: 1e-4, augment: DEFAULT_AUGMENT, keepBest: false, kernels,
});

function firstDigits(all: ImageDataset, n: number): ImageDataset {
  const px = all.width * all.height;
  return { count: n, width: all.width, height: all.height, images: all.images.subarray(0, n * px), labels: all.labels.subarray(0, n) };
}

async function epochSeconds(data: ImageDataset, kernels: KernelChoice): Promise<number> {
  const r = await train(MODERN_LENET5, null, data, null, config(availableParallelism(), kernels));
  return (r.history[0].seconds * EPOCH) / data.count;
}

/** The kind of work a profiled function does, from its file and name. */
function kindOf(url: string, name: string): string {
  const file = url.split('/').pop() ?? '';
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(program)' || name === '(idle)') return 'runtime';
  if (/^\$?(micro|pack_a|pack_b|gemm|dot_nt|dot4|transpose4)$/.test(name)) return 'matrix products (SIMD)';
  if (/^\$?bias_act$/.test(name)) return 'conv layout and bias (SIMD)';
  if (/^\$?(unroll|copy|add_to|zero|im2col|col2im_add)$/.test(name)) return 'im2col/col2im (SIMD)';
  if (file === 'gemm.ts' || file === 'matrix-kernels.ts') return 'matrix products (TypeScript)';
  if (file === 'conv2d.ts') return /im2col|col2im|im2row|row2im/.test(name) ? 'im2col/col2im (TypeScript)' : 'conv layout copies and bias';
  if (file === 'wasm-kernels.ts') return 'kernel calls and operand copies';
  if (file === 'augment.ts' || file === 'rng.ts') return 'distortions (augmentation)';
  if (file === 'dataset.ts' || file === 'shard.ts') return 'input images';
  if (file === 'pool.ts') return 'max pooling';
  if (file === 'activations.ts') return 'activations';
  if (file === 'softmax.ts') return 'softmax and loss';
  if (file === 'optim.ts') return 'optimizer (Adam)';
  if (file === 'network.ts' || file === 'dense.ts') return 'layer glue';
  // V8's own fill/set/subarray, called by the layout copies and the gradient zeroing
  if (url === '' && /^(fill|set|subarray|slice)$/.test(name)) return 'typed-array fills and copies';
  return 'other';
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string } }

async function profileStep(data: ImageDataset, kernels: KernelChoice, seconds: number): Promise<Map<string, number>> {
  const { instance } = await engineKernels({ want: kernels });
  const net = new Network(MODERN_LENET5, { seed: 1, kernels: instance });
  const P = net.paramData.length;
  const optimizer = new Optimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 1e-4, decayMask(net.params, P), new Float32Array(P).fill(1));
  const shard = new ShardComputer(net, data, DEFAULT_AUGMENT, 1, 32);
  const order = Int32Array.from({ length: data.count }, (_, i) => i);
  let k = 0;
  const step = () => {
    const from = (k++ * 32) % (data.count - 32);
    shard.compute(order, from, from + 32, 0, 1 / 64);
    optimizer.step(net.paramData, net.gradData, 1e-3);
  };
  for (let i = 0; i < 5; i++) step();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) step();
  const { profile } = await session.post('Profiler.stop') as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const kinds = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const kind = n ? kindOf(n.callFrame.url, n.callFrame.functionName) : 'other';
    kinds.set(kind, (kinds.get(kind) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return kinds;
}

const camel = (kind: string) => kind.replace(/\(.*?\)/g, (m) => ` ${m.slice(1, -1)}`).split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

export async function measure(options: ExtensionOptions): Promise<Record<string, number>> {
  const mnist = await loadMnist('train');
  const all: ImageDataset = { count: mnist.count, width: mnist.cols, height: mnist.rows, images: mnist.images, labels: mnist.labels };
  const part = options.quick ? 3_200 : 12_800;
  const digits = options.fullEpoch ? Math.min(EPOCH, all.count) : part;
  const out: Record<string, number> = { trainEpochDigitsMeasured: digits };
  out.trainEpochSec = await epochSeconds(firstDigits(all, digits), 'wasm-simd');
  const how = digits === EPOCH ? 'timed over all of them' : `estimated from ${digits} digits`;
  options.log(`one epoch of ${EPOCH} digits, modern recipe, ${availableParallelism()} workers, SIMD kernels: ${out.trainEpochSec.toFixed(1)} s (${how})`);
  // the reference kernels on a quarter of the part: the before figure, in minutes otherwise
  out.trainEpochDigitsMeasuredTypescript = part / 4;
  out.trainEpochSecTypescript = await epochSeconds(firstDigits(all, part / 4), 'typescript');
  options.log(`the same with the TypeScript kernels: ${out.trainEpochSecTypescript.toFixed(1)} s (estimated from ${part / 4} digits)`);

  const kinds = await profileStep(firstDigits(all, 6_400), 'wasm-simd', options.quick ? 2 : 6);
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const sorted = [...kinds].sort((a, b) => b[1] - a[1]);
  options.log(`where a training step's time goes (one thread, SIMD kernels): ${sorted.map(([kind, t]) => `${kind} ${((100 * t) / total).toFixed(1)}%`).join(', ')}`);
  for (const [kind, t] of sorted) out[`stepProfilePct${camel(kind)}`] = (100 * t) / total;
  return out;
}
