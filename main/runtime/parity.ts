import { buildNetwork, type Network } from '../engine/index.ts';
import type { ModelRuntime, Prediction } from './model-runtime.ts';

/** The largest absolute difference between two results, for the probabilities and for each layer. */
export interface ParityReport {
  readonly probabilities: number;
  readonly layers: { readonly name: string; readonly maxAbsDiff: number }[];
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN on either side must count as a disagreement, and `d > worst` is false for NaN.
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** Compares a runtime prediction with an engine forward result of the same batch, layer by layer. */
export function compareResults(expected: Prediction, actual: Prediction): ParityReport {
  if (expected.batch !== actual.batch) throw new Error(`parity: batches differ (${expected.batch} vs ${actual.batch})`);
  const byName = new Map(actual.activations.map((a) => [a.name, a]));
  return {
    probabilities: maxAbsDiff(expected.probabilities, actual.probabilities),
    layers: expected.activations.map((e) => {
      const a = byName.get(e.name);
      const sameShape = a !== undefined && a.shape.length === e.shape.length && a.shape.every((d, i) => d === e.shape[i]);
      return { name: e.name, maxAbsDiff: a && sameShape ? maxAbsDiff(e.data, a.data) : Infinity };
    }),
  };
}

/** Folds reports of several batches into the worst case per quantity. */
export function worstOf(reports: readonly ParityReport[]): ParityReport {
  const layers = new Map<string, number>();
  let probabilities = 0;
  for (const r of reports) {
    probabilities = Math.max(probabilities, r.probabilities);
    for (const l of r.layers) layers.set(l.name, Math.max(layers.get(l.name) ?? 0, l.maxAbsDiff));
  }
  return { probabilities, layers: [...layers].map(([name, maxAbsDiff]) => ({ name, maxAbsDiff })) };
}

/** An engine network holding the runtime's weights: the numeric reference for its ONNX graph. */
export function engineFor(runtime: ModelRuntime): Network {
  const network = buildNetwork(runtime.spec);
  network.setWeights(runtime.weights);
  return network;
}

/**
 * Runs the same batch through ONNX Runtime and the engine. A model is trusted only if the two agree:
 * the graph is what the app shows, the engine is what training optimised.
 */
export async function checkParity(runtime: ModelRuntime, input: Float32Array, batch: number, network: Network = engineFor(runtime)): Promise<ParityReport> {
  const fromEngine = network.forward(input, batch);
  const fromRuntime = await runtime.predict(input, batch);
  return compareResults(fromEngine, fromRuntime);
}

export const PARITY_TOLERANCE = { probabilities: 1e-4, activations: 1e-3 } as const;

export function withinTolerance(report: ParityReport, tolerance = PARITY_TOLERANCE): boolean {
  return report.probabilities <= tolerance.probabilities && report.layers.every((l) => l.maxAbsDiff <= tolerance.activations);
}
