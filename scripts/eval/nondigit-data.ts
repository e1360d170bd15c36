import { resolve } from 'node:path';
import { defaultInkPipeline } from '../../main/core/ink-pipeline.ts';
import { readInkFile } from '../../main/data/inks.ts';
import { readCharacterFile } from '../../main/data/nondigits.ts';
import type { Ink } from '../../main/ink/types.ts';
import { LOOK_ALIKES, scoresLayer } from '../../main/nondigit/index.ts';
import type { ModelRuntime } from '../../main/runtime/index.ts';
import { argmaxRow } from '../../main/runtime/evaluate.ts';

/** One ink to judge: a digit (label 0-9) or a character of the non-digit data. */
export interface JudgedInk {
  readonly ink: Ink;
  readonly digit: number | null;
  readonly character: string | null;
  /** 'digit', 'uppercase', 'lowercase' or 'symbol'. */
  readonly kind: string;
  readonly writer: string;
  readonly file: string;
}

/** What the app's one predict pass gives for an ink: all the verdict reads. */
export interface PassResult {
  readonly empty: boolean;
  readonly top: number;
  /** The outputs of the layers asked for, by name. */
  readonly layers: Record<string, Float32Array>;
  /** The last layer's scores. */
  readonly scores: Float32Array;
}

/** Reads digit and character files; look-alike characters are left out (and counted). */
export async function readJudgedInks(digitFiles: readonly string[], nondigitFiles: readonly string[], log: (line: string) => void = () => undefined): Promise<{ inks: JudgedInk[]; lookAlikes: number }> {
  const inks: JudgedInk[] = [];
  let lookAlikes = 0;
  for (const f of digitFiles) {
    const read = await readInkFile(resolve(f));
    for (const s of read.skipped) log(`${read.file}:${s.line} skipped: ${s.reason}`);
    for (const s of read.inks) inks.push({ ink: s.ink, digit: s.label, character: null, kind: 'digit', writer: s.writer, file: `digits/${read.file}` });
  }
  for (const f of nondigitFiles) {
    const read = await readCharacterFile(resolve(f));
    for (const s of read.skipped) log(`${read.file}:${s.line} skipped: ${s.reason}`);
    for (const s of read.inks) {
      if (LOOK_ALIKES.has(s.label)) {
        lookAlikes++;
        continue;
      }
      inks.push({ ink: s.ink, digit: null, character: s.label, kind: s.kind, writer: s.writer, file: `nondigits/${read.file}` });
    }
  }
  return { inks, lookAlikes };
}

/**
 * Runs inks through the app's own path (the core's ink pipeline, one ONNX Runtime pass with every
 * layer's output), in batches, keeping what the not-a-digit verdict reads: the last layer's scores and
 * the outputs of the layers named in `keep` (default: those the model's reject head reads).
 */
export async function runPass(runtime: ModelRuntime, inks: readonly { ink: Ink }[], keep: readonly string[] = runtime.reject?.file.features.layers ?? [], batch = 256): Promise<PassResult[]> {
  const spec = runtime.spec;
  const scoresName = scoresLayer(spec);
  const size = runtime.info.inputShape.reduce((a, b) => a * b, 1);
  const out: PassResult[] = [];
  for (let start = 0; start < inks.length; start += batch) {
    const chunk = inks.slice(start, start + batch);
    const input = new Float32Array(chunk.length * size);
    const empty = chunk.map((s, k) => {
      const prepared = defaultInkPipeline.prepare(s.ink);
      input.set(defaultInkPipeline.toNetworkInput(prepared.image28, spec), k * size);
      return prepared.empty;
    });
    const result = await runtime.predict(input, chunk.length);
    const rows = (name: string) => {
      const a = result.activations.find((x) => x.name === name);
      if (!a) throw new Error(`the model has no layer ${name}`);
      const n = a.data.length / chunk.length;
      return (k: number) => a.data.slice(k * n, (k + 1) * n);
    };
    const sc = rows(scoresName);
    const kept = keep.map((name) => [name, rows(name)] as const);
    const cn = result.probabilities.length / chunk.length;
    chunk.forEach((_, k) => {
      const top = argmaxRow(result.probabilities, k, cn);
      const scores = sc(k);
      out.push({ empty: empty[k], top, layers: { ...Object.fromEntries(kept.map(([name, row]) => [name, row(k)])), [scoresName]: scores }, scores });
    });
  }
  return out;
}
