import type { z } from 'zod';
import * as S from './schemas.ts';
import * as L from './lab-schemas.ts';
import * as X from './explain-schemas.ts';
import * as P from './personal-schemas.ts';
import * as T from './train-schemas.ts';

/**
 * One request of the contract. `dataFolder`: served only by a core opened with the person's data folder
 * (samples, model versions, fine-tuning); a core without one answers it with 'unavailable'.
 */
export interface MethodDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  readonly dataFolder?: true;
}

const method = <Req extends z.ZodType, Res extends z.ZodType, O extends { dataFolder?: true } = Record<never, never>>(
  request: Req,
  response: Res,
  options?: O,
): MethodDef<Req, Res> & O => ({ request, response, ...(options as O) });
const personal = { dataFolder: true } as const;

/**
 * The contract, written once: every request's name with its request and response schema. The channel
 * names, the `LenetCore` type the core implements (one method per entry, taking the parsed request),
 * the handler table, the Electron preload bridge and the WebSocket client are all derived from this
 * table, so adding a request means one entry here and its implementation in the core.
 */
export const METHODS = {
  /** ink -> prediction, the input image, every layer's activations (typed arrays). */
  predict: method(S.PredictRequestSchema, S.PredictResponseSchema),
  /** Attribution for a drawing: saliency, gradient x input, integrated gradients, occlusion, stroke what-if. */
  explainDrawing: method(X.ExplainDrawingRequestSchema, X.ExplainDrawingResponseSchema),
  /** A unit's top-activating MNIST test digits; the first request per model builds them in a worker (events topActivationsProgress). */
  topActivations: method(X.TopActivationsRequestSchema, X.TopActivationsResponseSchema),
  /** A synthesized input that maximizes a unit (gradient ascent in a worker); a newer request cancels an older one. */
  featureVisualization: method(X.FeatureVisualizationRequestSchema, X.FeatureVisualizationResponseSchema),
  /** Stop the feature visualization under way (the person looked elsewhere). */
  cancelFeatureVisualization: method(S.EmptySchema, X.CancelFeatureVisualizationSchema),
  /** The models on disk and which one is active. */
  listModels: method(S.EmptySchema, S.ModelListSchema),
  /** Layers with shapes, params, MACs, receptive fields; the model card (needs no ONNX session). */
  modelInfo: method(S.ModelIdRequestSchema, S.ModelInfoSchema),
  /** Make a model the active one, after its parity check (emits modelChanged). */
  activateModel: method(S.ModelIdRequestSchema, S.ModelListSchema),
  /** A layer's weights: conv kernels, subsampling coefficients, a dense matrix. */
  layerKernels: method(S.LayerKernelsRequestSchema, S.LayerKernelsSchema),
  /** Version and transport. */
  appInfo: method(S.EmptySchema, S.AppInfoSchema),
  /** Delete a personal model that is not active. */
  removeModel: method(S.ModelIdRequestSchema, S.ModelListSchema),
  /** A model's model.onnx as it is (opens in Netron or any ONNX runtime) and its card as JSON, as bytes for the page to save. */
  exportModel: method(S.ModelIdRequestSchema, S.ModelExportSchema),
  /** An ONNX model (with its card, optionally) added as a personal model marked imported, after its checks. */
  importModel: method(S.ImportModelRequestSchema, S.ModelImportResultSchema),
  /** The person's samples, each with the 28x28 image the core made of it (changes emit samplesChanged). */
  addSample: method(S.AddSampleRequestSchema, S.SampleChangeSchema, personal),
  listSamples: method(S.ListSamplesRequestSchema, S.SampleListSchema, personal),
  relabelSample: method(S.RelabelSampleRequestSchema, S.SampleChangeSchema, personal),
  deleteSamples: method(S.DeleteSamplesRequestSchema, S.DeleteSamplesResultSchema, personal),
  undoDeleteSamples: method(S.UndoDeleteRequestSchema, S.UndoDeleteResultSchema, personal),
  /** A zip (JSON Lines + PNGs) or MNIST IDX, as bytes for the page to save. */
  exportSamples: method(S.ExportSamplesRequestSchema, S.ExportedFileSchema, personal),
  /** A file the page read, as bytes. */
  importSamples: method(S.ImportSamplesRequestSchema, S.ImportReportSchema, personal),
  /** A unit's top-activating samples among the person's own (ONNX Runtime over them, kept until the samples change). */
  topOwnSamples: method(X.TopOwnSamplesRequestSchema, X.TopOwnSamplesResponseSchema, personal),
  /** The samples under a model: the confusion matrix and the ids in each cell. */
  sampleConfusion: method(S.SampleConfusionRequestSchema, S.SampleConfusionSchema, personal),
  /** Per digit, what the active model is least sure about for this person (samples and drawings), and which digits to write next. */
  personalInsight: method(P.PersonalInsightRequestSchema, P.PersonalInsightSchema, personal),
  /** Fine-tuning in a worker thread (events trainingProgress, trainingEpoch, trainingFinished). */
  startTraining: method(S.StartTrainingRequestSchema, S.TrainingStartedSchema, personal),
  cancelTraining: method(S.CancelTrainingRequestSchema, S.CancelTrainingResultSchema, personal),
  trainingStatus: method(S.EmptySchema, S.TrainingStatusSchema, personal),
  /** Activate, keep or discard the model a fine-tune made. */
  finishTraining: method(S.FinishTrainingRequestSchema, S.ModelListSchema, personal),
  /** Training a network from scratch on the shipped MNIST digits, in a worker (events scratchProgress, scratchEpoch, scratchFinished); one training of any kind at a time. */
  startScratchTraining: method(T.StartScratchRequestSchema, T.ScratchStartedSchema, personal),
  /** Pause, resume, one batch while paused, cancel. */
  controlScratchTraining: method(T.ControlScratchRequestSchema, T.ScratchControlResultSchema, personal),
  scratchTrainingStatus: method(S.EmptySchema, T.ScratchStatusSchema, personal),
  /** The drawing through the network being trained, with the weights of the moment. */
  probeScratchTraining: method(T.ProbeScratchRequestSchema, T.ScratchProbeSchema, personal),
  /** Activate (after its parity check), keep or discard the model a training from scratch made. */
  finishScratchTraining: method(T.FinishScratchRequestSchema, S.ModelListSchema, personal),
  /** The convolution lab: its textbook matrices and image kernels. */
  labPresets: method(S.EmptySchema, L.LabPresetsSchema),
  /** Small matrices (or the drawing) through convolution, activation and pooling, with a unit's worked sum. */
  labConvolve: method(L.LabConvolveRequestSchema, L.LabConvolveResponseSchema),
  /** The layer calculator: shapes, neurons, parameters and MACs of a chain of layers or a preset. */
  labLayers: method(L.LabLayersRequestSchema, L.LabLayersResponseSchema),
  /** One unit of a real layer on the drawing, its arithmetic written out (the engine reruns the network). */
  /** The page reports its view choices (presentation mode); the core passes them on as viewStateChanged, for the desktop menu. */
  setViewState: method(S.ViewStateSchema, S.EmptySchema),
  unitWorkedSum: method(L.UnitWorkedSumRequestSchema, L.UnitWorkedSumSchema),
} as const satisfies Record<string, MethodDef>;

/** Everything the core pushes to the page, with its payload's schema. */
export const EVENT_DEFS = {
  modelChanged: S.ModelListSchema,
  menuCommand: S.MenuCommandSchema,
  viewStateChanged: S.ViewStateSchema,
  samplesChanged: S.SampleCountsSchema,
  trainingProgress: S.TrainingProgressEventSchema,
  trainingEpoch: S.TrainingEpochEventSchema,
  trainingFinished: S.TrainingOutcomeSchema,
  topActivationsProgress: X.TopActivationsProgressSchema,
  scratchProgress: T.ScratchProgressSchema,
  scratchEpoch: T.ScratchEpochEventSchema,
  scratchFinished: T.ScratchOutcomeSchema,
} as const satisfies Record<string, z.ZodType>;

export type MethodName = keyof typeof METHODS;
export type EventName = keyof typeof EVENT_DEFS;
export type DataFolderMethod = { [M in MethodName]: (typeof METHODS)[M] extends { dataFolder: true } ? M : never }[MethodName];

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
export const EVENT_NAMES = Object.keys(EVENT_DEFS) as EventName[];
export const DATA_FOLDER_METHODS = METHOD_NAMES.filter((m) => (METHODS[m] as MethodDef).dataFolder) as DataFolderMethod[];
