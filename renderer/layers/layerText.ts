import type { TFunction } from 'i18next';
import type { LayerInfo } from '../transport/index.ts';

/** "6@28×28" for maps, "84" for a vector. */
export function formatShape(shape: readonly number[]): string {
  if (shape.length === 3) return `${shape[0]}@${shape[1]}×${shape[2]}`;
  return shape.join('×');
}

/** What the layer does, e.g. "Convolution 5×5, padding 2 · ReLU". */
export function describeLayer(t: TFunction, layer: LayerInfo): string {
  const [kh, kw] = layer.kernel ?? [0, 0];
  const pad = layer.padding?.[0] ?? 0;
  let op: string;
  switch (layer.kind) {
    case 'conv':
      op = pad > 0 ? t('layers.kind.convPadded', { kh, kw, pad }) : t('layers.kind.conv', { kh, kw });
      break;
    case 'maxpool':
    case 'avgpool':
    case 'subsample':
      op = t(`layers.kind.${layer.kind}`, { kh, kw });
      break;
    default:
      op = t(`layers.kind.${layer.kind}`);
  }
  const activation = layer.activation;
  const known = activation === 'relu' || activation === 'sigmoid' || activation === 'tanh' || activation === 'lecun-tanh' || activation === 'identity';
  if (!activation || activation === 'identity') return op;
  return `${op} · ${known ? t(`layers.activation.${activation}`) : activation}`;
}
