import type { TFunction } from 'i18next';
import type { LayerInfo } from '../transport/index.ts';

/**
 * A layer's name as the interface shows it: C1, S2 … F6 are the paper's names and stay as they are in
 * every language; the output layer is named in the interface's language.
 */
export function layerName(t: TFunction, name: string): string {
  return name === 'OUTPUT' ? t('layers.outputName') : name;
}

/** "6@28×28" for maps, "84" for a vector. */
export function formatShape(shape: readonly number[]): string {
  if (shape.length === 3) return `${shape[0]}@${shape[1]}×${shape[2]}`;
  return shape.join('×');
}

/** What the layer does, e.g. "Convolution 5×5, padding 2 · ReLU". */
export function describeLayer(t: TFunction, layer: LayerInfo): string {
  const [kh, kw] = layer.kernel ?? [0, 0];
  const pad = layer.padding?.[0] ?? 0;
  // Which text names the op is a lookup by kind; its numbers come from the layer's description.
  const key = layer.kind === 'conv' && pad > 0 ? 'convPadded' : layer.kind;
  const op = t(`layers.kind.${key}`, { kh, kw, pad });
  const activation = layer.activation;
  const known = activation === 'relu' || activation === 'sigmoid' || activation === 'tanh' || activation === 'lecun-tanh' || activation === 'identity';
  if (!activation || activation === 'identity') return op;
  return `${op} · ${known ? t(`layers.activation.${activation}`) : activation}`;
}
