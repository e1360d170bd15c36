import type { EventName } from './channels.ts';
import type {
  AppInfo, EventPayloads, LayerKernels, ModelInfo, ModelList, PredictRequest, PredictResponse,
} from './contract.ts';

/** An event as the core emits it, for a shell to forward to the page. */
export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayloads[E] } }[EventName];

/**
 * What the handler table needs from the core. The core (main/core/, Node-only) implements it; keeping
 * the port here lets the contract stay environment-free and lets tests hand the table a fake core.
 * Requests reaching these methods have already passed their schemas.
 */
export interface LenetCore {
  predict(request: PredictRequest): Promise<PredictResponse>;
  listModels(): Promise<ModelList>;
  modelInfo(id: string): Promise<ModelInfo>;
  activateModel(id: string): Promise<ModelList>;
  layerKernels(modelId: string | undefined, layer: string): Promise<LayerKernels>;
  appInfo(): Omit<AppInfo, 'transport'>;
  /** Subscribes to core events; returns the unsubscribe function. */
  subscribe(listener: (event: CoreEvent) => void): () => void;
}
