import { createRequire } from 'node:module';
import { BATCH, batchStart, type BenchData } from './data.ts';
import type { Trainer } from './throughput.ts';

/** The slice of ConvNetJS's API the benchmark uses (the package ships no types). */
interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => { w: Float64Array | number[] };
  Net: new () => {
    makeLayers(defs: Record<string, unknown>[]): void;
    getParamsAndGrads(): { params: ArrayLike<number> }[];
  };
  Trainer: new (net: unknown, options: Record<string, unknown>) => { train(x: unknown, y: number): unknown };
}

/** The modern LeNet-5 in ConvNetJS's layer list; its softmax layer adds the 84 -> 10 fully connected layer itself. */
const LAYERS: Record<string, unknown>[] = [
  { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
  { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
  { type: 'pool', sx: 2, stride: 2 },
  { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
  { type: 'pool', sx: 2, stride: 2 },
  { type: 'conv', sx: 5, filters: 120, stride: 1, pad: 0, activation: 'relu' },
  { type: 'fc', num_neurons: 84, activation: 'relu' },
  { type: 'softmax', num_classes: 10 },
];

/**
 * ConvNetJS trains one sample per `train` call and updates every `batch_size` calls, so one step here
 * is 64 calls: a batch of 64 with one adadelta update, its best adaptive method (its Adam-like option).
 */
export async function openConvnetjsTrainer(data: BenchData): Promise<Trainer> {
  const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;
  const net = new convnetjs.Net();
  net.makeLayers(LAYERS);
  const params = net.getParamsAndGrads().reduce((s, pg) => s + pg.params.length, 0);
  const trainer = new convnetjs.Trainer(net, { method: 'adadelta', batch_size: BATCH, l2_decay: 1e-4 });
  // One input volume reused: ConvNetJS reads it during forward and writes its gradient during backward,
  // both within the same train() call.
  const x = new convnetjs.Vol(28, 28, 1, 0);
  const pixels = 28 * 28;
  const { trainFloats, train } = data;
  let k = 0;
  return {
    params,
    samplesPerStep: BATCH,
    step() {
      const from = batchStart(k++, train.count);
      for (let i = from; i < from + BATCH; i++) {
        const img = trainFloats.subarray(i * pixels, (i + 1) * pixels);
        for (let j = 0; j < pixels; j++) x.w[j] = img[j];
        trainer.train(x, train.labels[i]);
      }
    },
    close: async () => undefined,
  };
}
