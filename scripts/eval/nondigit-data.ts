import { resolve } from 'node:path';
import { defaultInkPipeline } from '../../main/core/ink-pipeline.ts';
import { readInkFile } from '../../main/data/inks.ts';
import { readCharacterFile } from '../../main/data/nondigits.ts';
import type { Ink } from '../../main/ink/types.ts';
import { LOOK_ALIKES, verdictLayers } from '../../main/nondigit/index.ts';
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
  readonly penultimate: Float32Array;
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
 * layer's output), in batches, keeping what the not-a-digit verdict reads.
 */
export async function runPass(runtime: ModelRuntime, inks: readonly { ink: Ink }[], batch = 256): Promise<PassResult[]> {
  const spec = runtime.spec;
  const names = verdictLayers(spec);
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
    const pen = result.activations.find((a) => a.name === names.penultimate)!;
    const sc = result.activations.find((a) => a.name === names.scores)!;
    const pn = pen.data.length / chunk.length, cn = sc.data.length / chunk.length;
    chunk.forEach((_, k) => {
      const top = argmaxRow(result.probabilities, k, cn);
      out.push({ empty: empty[k], top, penultimate: pen.data.slice(k * pn, (k + 1) * pn), scores: sc.data.slice(k * cn, (k + 1) * cn) });
    });
  }
  return out;
}
