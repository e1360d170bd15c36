import { formatShape, networkInfo, parameterTensors, type NetworkSpec, type Weights } from '../engine/index.ts';

/** The name and shape of every parameter tensor a spec needs, in the layouts of main/engine/weights.ts. */
export function parameterShapes(spec: NetworkSpec): Map<string, number[]> {
  return new Map(parameterTensors(networkInfo(spec)).map((t) => [t.name, [...t.shape]]));
}

/** Returns what is wrong with a set of weights for a spec (missing, misshapen or unknown tensors), or null. */
export function weightsProblem(spec: NetworkSpec, weights: Weights): string | null {
  const expected = parameterShapes(spec);
  for (const [name, shape] of expected) {
    const t = weights.get(name);
    if (!t) return `parameter ${name} is missing`;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      return `parameter ${name} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`;
    }
  }
  for (const name of weights.keys()) {
    if (!expected.has(name)) return `parameter ${name} does not belong to a ${spec.arch} network`;
  }
  return null;
}
