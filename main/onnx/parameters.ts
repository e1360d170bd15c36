import { formatShape, networkInfo, pair, type NetworkSpec, type Weights } from '../engine/index.ts';

/** The name and shape of every parameter tensor a spec needs, in the layouts of main/engine/weights.ts. */
export function parameterShapes(spec: NetworkSpec): Map<string, number[]> {
  const infos = networkInfo(spec);
  const shapes = new Map<string, number[]>();
  spec.layers.forEach((layer, i) => {
    const input = infos[i].inputShape;
    switch (layer.kind) {
      case 'conv': {
        const [kh, kw] = pair(layer.kernel, 1);
        shapes.set(`${layer.name}.weight`, [layer.filters, input[0], kh, kw]);
        shapes.set(`${layer.name}.bias`, [layer.filters]);
        break;
      }
      case 'subsample':
        shapes.set(`${layer.name}.coef`, [input[0]]);
        shapes.set(`${layer.name}.bias`, [input[0]]);
        break;
      case 'dense':
        shapes.set(`${layer.name}.weight`, [layer.units, input.reduce((a, b) => a * b, 1)]);
        shapes.set(`${layer.name}.bias`, [layer.units]);
        break;
      default:
        break;
    }
  });
  return shapes;
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
