import { useEffect, useState } from 'react';
import { api } from '../app/session.ts';
import { errorText } from '../i18n/errorText.ts';
import type { LayerKernels } from '../transport/index.ts';

type KernelsState = { readonly status: 'loading' } | { readonly status: 'none' } | { readonly status: 'failed'; readonly message: string } | { readonly status: 'ready'; readonly kernels: LayerKernels };

// A model's weights do not change while it is loaded (a retrained model gets a new id), so answers are kept.
const cache = new Map<string, Promise<LayerKernels>>();

export function useLayerKernels(modelId: string, layer: string, hasWeights: boolean): KernelsState {
  const [state, setState] = useState<KernelsState>({ status: 'loading' });
  useEffect(() => {
    if (!hasWeights) {
      setState({ status: 'none' });
      return;
    }
    let live = true;
    const key = `${modelId}/${layer}`;
    let request = cache.get(key);
    if (!request) {
      request = api().then((client) => client.layerKernels({ modelId, layer }));
      cache.set(key, request);
      request.catch(() => cache.delete(key));
    }
    setState({ status: 'loading' });
    request.then(
      (kernels) => live && setState({ status: 'ready', kernels }),
      (error: unknown) => live && setState({ status: 'failed', message: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [modelId, layer, hasWeights]);
  return state;
}
