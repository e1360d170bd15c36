import { resolve } from 'node:path';
import { defaultInkPipeline } from '../../main/core/ink-pipeline.ts';
import { readInkFile, type LabelledInk } from '../../main/data/inks.ts';
import { argmaxRow } from '../../main/runtime/index.ts';
import { DEFAULT_MODEL, loadModel, parseCommand, trainingWriters } from './common.ts';
import { writeContactSheet, type SheetEntry } from './contact-sheet.ts';

const HELP = `usage: npm run eval -- ink FILE.jsonl... [--model DIR] [--held-out] [--json] [--sheet OUT.png]

Reads labelled inks (JSON Lines, the format of ../shared/data/README.md), runs each through the app's own
path (the ink pipeline, then ONNX Runtime) and prints accuracy overall, per file, per label and per
writer group, and the confusion matrix (rows = true label).

  --model DIR     model folder; default native-models/modern
  --held-out      only writers the model did not train on (its card lists the writers it used)
  --sheet OUT.png contact sheet of the misread digits: the input the network saw, true label (green),
                  prediction (red)
  --json          also print one JSON object as the last line: {n, correct, accuracy, confusion, perFile, perLabel, ...}`;

interface Tally { n: number; correct: number }
const pct = (t: Tally) => (t.n === 0 ? '-' : `${((100 * t.correct) / t.n).toFixed(2)}%`);

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('ink', HELP, {
    args, allowPositionals: true, strict: true,
    options: {
      model: { type: 'string' }, json: { type: 'boolean', default: false }, sheet: { type: 'string' },
      'held-out': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('exit' in parsed) return parsed.exit;
  const { values: options, positionals: files } = parsed;
  if (files.length === 0) {
    console.error(`eval ink: name at least one .jsonl file\n\n${HELP}`);
    return 2;
  }
  const modelDir = options.model === undefined ? DEFAULT_MODEL : resolve(options.model);
  const runtime = await loadModel('ink', modelDir);
  if (!runtime) return 1;
  try {
    const exclude = options['held-out'] ? trainingWriters(runtime.info.card) : new Set<string>();
    const samples: (LabelledInk & { file: string })[] = [];
    let skippedLines = 0;
    for (const f of files) {
      let read;
      try {
        read = await readInkFile(resolve(f));
      } catch (err) {
        console.error(`eval ink: cannot read ${f}: ${(err as Error).message}`);
        return 1;
      }
      for (const s of read.skipped) console.error(`eval ink: ${read.file}:${s.line} skipped: ${s.reason}`);
      skippedLines += read.skipped.length;
      for (const s of read.inks) if (!exclude.has(s.writer)) samples.push({ ...s, file: read.file });
    }
    const spec = runtime.spec;
    const started = performance.now();
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    const perFile = new Map<string, Tally>(), perLabel = new Map<number, Tally>(), perInstitution = new Map<string, Tally>();
    const misread: SheetEntry[] = [];
    let correct = 0;
    const batch = 256;
    const inputSize = runtime.info.inputShape.reduce((a, b) => a * b, 1);
    for (let start = 0; start < samples.length; start += batch) {
      const chunk = samples.slice(start, start + batch);
      const input = new Float32Array(chunk.length * inputSize);
      const images = chunk.map((s, k) => {
        const prepared = defaultInkPipeline.prepare(s.ink);
        input.set(defaultInkPipeline.toNetworkInput(prepared.image28, spec), k * inputSize);
        return prepared.image28;
      });
      const probs = await runtime.classify(input, chunk.length);
      chunk.forEach((s, k) => {
        const predicted = argmaxRow(probs, k, 10);
        const ok = predicted === s.label;
        confusion[s.label][predicted]++;
        if (ok) correct++;
        else misread.push({ image: images[k], label: s.label, predicted });
        for (const [map, key] of [[perFile, s.file], [perLabel, s.label], [perInstitution, s.institution]] as const) {
          const t = (map as Map<string | number, Tally>).get(key) ?? { n: 0, correct: 0 };
          t.n++;
          if (ok) t.correct++;
          (map as Map<string | number, Tally>).set(key, t);
        }
      });
    }
    const n = samples.length;
    const seconds = (performance.now() - started) / 1000;
    const overall = { n, correct };
    console.log(`model ${modelDir} (${runtime.info.arch})${options['held-out'] ? `, held-out writers only (${exclude.size} training writers excluded)` : ''}`);
    console.log(`overall: ${pct(overall)} (${correct}/${n}) in ${seconds.toFixed(1)} s${skippedLines ? `, ${skippedLines} lines skipped` : ''}`);
    console.log('per file:');
    for (const [k, t] of [...perFile].sort()) console.log(`  ${k.padEnd(14)} ${pct(t).padStart(8)}  (${t.correct}/${t.n})`);
    console.log('per label:');
    for (const [k, t] of [...perLabel].sort((a, b) => a[0] - b[0])) console.log(`  ${String(k).padEnd(14)} ${pct(t).padStart(8)}  (${t.correct}/${t.n})`);
    console.log('confusion (rows = true label, columns = prediction):');
    console.log(`      ${[...Array(10).keys()].map((d) => String(d).padStart(5)).join('')}`);
    confusion.forEach((row, t) => console.log(`  ${String(t).padStart(3)} ${row.map((v) => String(v).padStart(5)).join('')}`));
    if (options.sheet) {
      await writeContactSheet(resolve(options.sheet), misread);
      console.log(`contact sheet of ${misread.length} misread digits: ${resolve(options.sheet)}`);
    }
    if (options.json) {
      const obj = (m: Map<string | number, Tally>) => Object.fromEntries([...m].map(([k, t]) => [k, { ...t, accuracy: t.n ? t.correct / t.n : 0 }]));
      console.log(JSON.stringify({
        model: modelDir, arch: runtime.info.arch, heldOutOnly: options['held-out'], n, correct, accuracy: n ? correct / n : 0, confusion,
        perFile: obj(perFile), perLabel: obj(perLabel), perInstitution: obj(perInstitution), skippedLines, seconds,
      }));
    }
    return 0;
  } finally {
    await runtime.release();
  }
}
