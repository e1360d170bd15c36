import { pair, type LayerSpec, type NetworkSpec } from '../engine/spec.ts';
import type { ReceptiveField } from '../api/contract.ts';

type Field = { size: [number, number]; jump: [number, number]; start: [number, number] };

/**
 * The region of the network input each layer's units read, by the usual recurrence over windows:
 * a window of k units spaced `jump` apart widens the field by (k-1)*jump, padding moves its start back,
 * and the stride multiplies the spacing. Layers that flatten (dense, rbf) see the whole input.
 */
export function receptiveFields(spec: NetworkSpec): ReceptiveField[] {
  const whole: Field = { size: [spec.input.height, spec.input.width], jump: [0, 0], start: [0, 0] };
  let field: Field = { size: [1, 1], jump: [1, 1], start: [0, 0] };
  let flattened = false;
  return spec.layers.map((layer) => {
    if (flattened) return copy(whole);
    const window = windowOf(layer);
    if (window === 'whole') {
      flattened = true;
      return copy(whole);
    }
    if (window !== null) {
      const { kernel: k, stride: s, padding: p } = window;
      field = {
        size: [field.size[0] + (k[0] - 1) * field.jump[0], field.size[1] + (k[1] - 1) * field.jump[1]],
        jump: [field.jump[0] * s[0], field.jump[1] * s[1]],
        start: [field.start[0] - p[0] * field.jump[0], field.start[1] - p[1] * field.jump[1]],
      };
    }
    return copy(field);
  });
}

/** Kernel, stride and padding of a windowed layer; null for element-wise layers; 'whole' for dense ones. */
export function windowOf(layer: LayerSpec): { kernel: [number, number]; stride: [number, number]; padding: [number, number] } | null | 'whole' {
  switch (layer.kind) {
    case 'conv':
      return { kernel: pair(layer.kernel, 1), stride: pair(layer.stride, 1), padding: pair(layer.padding, 0) };
    case 'maxpool':
    case 'avgpool':
    case 'subsample':
      return { kernel: pair(layer.size, 1), stride: pair(layer.stride ?? layer.size, 1), padding: [0, 0] };
    case 'activation':
      return null;
    case 'dense':
    case 'flatten':
    case 'rbf':
      return 'whole';
  }
}

function copy(f: Field): ReceptiveField {
  return { size: [...f.size], jump: [...f.jump], start: [...f.start] };
}
