import type { EventName } from './channels.ts';
import type {
  AppInfo, EventPayloads, LayerKernels, ModelInfo, ModelList, PredictRequest, PredictResponse, Requests, Responses,
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
  removeModel(id: string): Promise<ModelList>;
  layerKernels(modelId: string | undefined, layer: string): Promise<LayerKernels>;
  appInfo(): Omit<AppInfo, 'transport'>;

  // the person's samples (a core without a data folder answers these with an 'unavailable' error)
  addSample(request: Requests['addSample']): Promise<Responses['addSample']>;
  listSamples(request: Requests['listSamples']): Promise<Responses['listSamples']>;
  relabelSample(request: Requests['relabelSample']): Promise<Responses['relabelSample']>;
  deleteSamples(request: Requests['deleteSamples']): Promise<Responses['deleteSamples']>;
  undoDeleteSamples(request: Requests['undoDeleteSamples']): Promise<Responses['undoDeleteSamples']>;
  exportSamples(request: Requests['exportSamples']): Promise<Responses['exportSamples']>;
  importSamples(request: Requests['importSamples']): Promise<Responses['importSamples']>;
  sampleConfusion(request: Requests['sampleConfusion']): Promise<Responses['sampleConfusion']>;

  // fine-tuning
  startTraining(request: Requests['startTraining']): Promise<Responses['startTraining']>;
  cancelTraining(request: Requests['cancelTraining']): Promise<Responses['cancelTraining']>;
  trainingStatus(): Promise<Responses['trainingStatus']>;
  finishTraining(request: Requests['finishTraining']): Promise<Responses['finishTraining']>;

  /** Subscribes to core events; returns the unsubscribe function. */
  subscribe(listener: (event: CoreEvent) => void): () => void;
}
