import type { PredictResponse } from '../transport/index.ts';
import type { LayerValues } from '../state/store.ts';

/**
 * The values the layer views draw for a prediction: after each layer's activation (ONNX Runtime's
 * outputs), or before it when the person asked for that and the core sent them (until the next
 * prediction answers, the outputs stand in, and `shown` says so).
 */
export function shownLayerValues(response: PredictResponse, wanted: LayerValues): { shown: LayerValues; activations: PredictResponse['activations'] } {
  if (wanted === 'pre' && response.preActivations) return { shown: 'pre', activations: response.preActivations };
  return { shown: 'post', activations: response.activations };
}
