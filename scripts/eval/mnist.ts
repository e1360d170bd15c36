import { resolve } from 'node:path';
import { loadMnist } from '../../main/data/mnist.ts';
import { evaluateMnist, type Evaluation } from '../../main/runtime/index.ts';
import { DEFAULT_MODEL, loadModel, parseCommand } from './common.ts';

const HELP = `usage: npm run eval -- mnist [--model DIR] [--batch N] [--json]

Classifies the 10,000 MNIST test images through ONNX Runtime (the app's path) and prints the accuracy
and the confusion matrix (rows = true label, columns = prediction).

  --model DIR   model folder (model.onnx, weights.json, meta.json); default native-models/modern
  --batch N     images per runtime call (default 500)
  --json        also print one JSON object as the last line: {model, arch, n, correct, accuracy, confusion, ...}`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('mnist', HELP, {
    args, allowPositionals: false, strict: true,
    options: {
      model: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('exit' in parsed) return parsed.exit;
  const options = parsed.values;
  const batchSize = options.batch === undefined ? 500 : Number(options.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    console.error(`eval mnist: --batch must be a positive integer, got ${options.batch}`);
    return 2;
  }
  const modelDir = options.model === undefined ? DEFAULT_MODEL : resolve(options.model);

  const runtime = await loadModel('mnist', modelDir);
  if (!runtime) return 1;
  try {
    const test = await loadMnist('test');
    const started = performance.now();
    const result = await evaluateMnist(runtime, test, { batchSize });
    const seconds = (performance.now() - started) / 1000;
    console.log(report(modelDir, runtime.info.arch, result, seconds));
    if (options.json) {
      console.log(JSON.stringify({ model: modelDir, arch: runtime.info.arch, ...result, errorRate: 1 - result.accuracy, seconds }));
    }
    return 0;
  } finally {
    await runtime.release();
  }
}

function report(modelDir: string, arch: string, r: Evaluation, seconds: number): string {
  const digits = r.confusion.map((_, i) => i);
  const width = Math.max(5, ...r.confusion.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const header = `true\\pred ${digits.map(cell).join('')} ${'recall'.padStart(8)}`;
  const rows = r.confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total === 0 ? '-' : `${((100 * row[t]) / total).toFixed(2)}%`;
    return `${String(t).padStart(9)} ${row.map(cell).join('')} ${recall.padStart(8)}`;
  });
  return [
    `model     ${modelDir} (${arch})`,
    `images    ${r.n} MNIST test images in ${seconds.toFixed(1)} s`,
    `accuracy  ${(100 * r.accuracy).toFixed(2)}% (${r.correct} correct, ${r.n - r.correct} errors)`,
    '',
    header,
    ...rows,
  ].join('\n');
}
