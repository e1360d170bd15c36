import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnist } from '../main/data/mnist.ts';
import { balancedSample, decodeReplay, encodeReplay, REPLAY_FILE } from '../main/training/replay.ts';

/**
 * `npx tsx scripts/build-replay.ts [--train-per-class 600] [--test-per-class 200] [--seed 1] [--out FILE]`:
 * writes native-models/replay-mnist.bin, the MNIST digits fine-tuning mixes in (drawn from the MNIST
 * training set, balanced per digit) and the MNIST test subset it measures forgetting on (drawn from
 * the 10k test set, balanced). Format: main/training/replay.ts.
 */
const { values: args } = parseArgs({
  options: {
    'train-per-class': { type: 'string', default: '600' },
    'test-per-class': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: `native-models/${REPLAY_FILE}` },
  },
});
const count = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const seed = count('seed', args.seed);
const train = balancedSample(await loadMnist('train'), count('train-per-class', args['train-per-class']), seed);
const test = balancedSample(await loadMnist('test'), count('test-per-class', args['test-per-class']), seed + 1);
const bytes = encodeReplay({ train, test });
decodeReplay(bytes); // the file reads back before it is written
const out = resolve(args.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, bytes);
console.log(`wrote ${out}: ${train.count} training + ${test.count} test digits, ${(bytes.length / 1e6).toFixed(2)} MB`);
