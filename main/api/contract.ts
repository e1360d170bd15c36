import type { z } from 'zod';
import { kindOf, reasonMessage, type Reason, type ReasonCode, type ReasonParams } from './error-codes.ts';
import type { EVENT_DEFS, EventName, METHODS, MethodName } from './methods.ts';
import type {
  ActivationSchema, ApiErrorBodySchema, AppInfoSchema, ArchSchema, CardFactsSchema, ImageSchema,
  InkSchema, LayerChoiceSchema, LayerInfoSchema, LayerKernelsSchema, MenuCommandSchema, ModelInfoSchema, ModelListSchema,
  ModelSummarySchema, PredictRequestSchema, PredictResponseSchema, PreprocessStepsSchema, ReceptiveFieldSchema,
  ResultSchema, SampleConfusionSchema, SampleHowSchema, SampleListSchema,
  SampleSummarySchema, ThumbnailSchema, TrainingEpochSchema, TrainingOutcomeSchema, TrainingProgressSchema,
  TrainingResultSchema, TrainingStatusSchema, ImportReportSchema, ExportedFileSchema, ReasonSchema,
} from './schemas.ts';

import type { PersonalInsightSchema, SuggestionSchema } from './personal-schemas.ts';
export type {
  CalcChain, CalcLayer, LabConvolveRequest, LabConvolveResponse, LabLayersResponse, LabMaps, LabPresets, UnitWorkedSum, WorkedSum,
} from './lab-schemas.ts';

/** The types both sides compile against, inferred from the schemas so they cannot drift apart. */
export type Arch = z.infer<typeof ArchSchema>;
export type Ink = z.infer<typeof InkSchema>;
export type Image = z.infer<typeof ImageSchema>;
export type LayerActivation = z.infer<typeof ActivationSchema>;
export type PreprocessSteps = z.infer<typeof PreprocessStepsSchema>;
export type PredictRequest = z.infer<typeof PredictRequestSchema>;
export type PredictResponse = z.infer<typeof PredictResponseSchema>;
export type CardFacts = z.infer<typeof CardFactsSchema>;
export type ModelSummary = z.infer<typeof ModelSummarySchema>;
export type ModelList = z.infer<typeof ModelListSchema>;
export type ReceptiveField = z.infer<typeof ReceptiveFieldSchema>;
export type LayerInfo = z.infer<typeof LayerInfoSchema>;
export type ModelInfo = z.infer<typeof ModelInfoSchema>;
export type LayerKernels = z.infer<typeof LayerKernelsSchema>;
export type AppInfo = z.infer<typeof AppInfoSchema>;
export type MenuCommand = z.infer<typeof MenuCommandSchema>;
export type SampleHow = z.infer<typeof SampleHowSchema>;
export type Thumbnail = z.infer<typeof ThumbnailSchema>;
export type SampleSummary = z.infer<typeof SampleSummarySchema>;
export type SampleList = z.infer<typeof SampleListSchema>;
export type SampleConfusion = z.infer<typeof SampleConfusionSchema>;
export type ImportReport = z.infer<typeof ImportReportSchema>;
export type ExportedFile = z.infer<typeof ExportedFileSchema>;
export type LayerChoice = z.infer<typeof LayerChoiceSchema>;
export type TrainingEpoch = z.infer<typeof TrainingEpochSchema>;
export type TrainingProgress = z.infer<typeof TrainingProgressSchema>;
export type TrainingResult = z.infer<typeof TrainingResultSchema>;
export type TrainingOutcome = z.infer<typeof TrainingOutcomeSchema>;
export type TrainingStatus = z.infer<typeof TrainingStatusSchema>;
export type PersonalInsight = z.infer<typeof PersonalInsightSchema>;
export type Suggestion = z.infer<typeof SuggestionSchema>;
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
export type ErrorCode = ApiErrorBody['code'];
/** A failure's reason as it travels (a code of ERROR_REASONS with its parameters). */
export type WireReason = z.infer<typeof ReasonSchema>;
export type Result = z.infer<typeof ResultSchema>;

/** What a caller sends (the schemas' parsed form: the ink is typed, not `unknown`). */
export type Requests = { [M in MethodName]: z.output<(typeof METHODS)[M]['request']> };
export type Responses = { [M in MethodName]: z.output<(typeof METHODS)[M]['response']> };
export type EventPayloads = { [E in EventName]: z.output<(typeof EVENT_DEFS)[E]> };

/** A method whose request is an empty object can be called without an argument. */
type Call<M extends MethodName> = Record<never, never> extends Requests[M]
  ? (request?: Requests[M]) => Promise<Responses[M]>
  : (request: Requests[M]) => Promise<Responses[M]>;

/**
 * The only door between the view and the core: one function per entry of the method table (methods.ts,
 * where each is described), plus event subscription. The Electron preload bridge (window.lenet) and the
 * browser-mode WebSocket client both implement it; the renderer never knows which one it holds.
 * A failed call rejects with an ApiError carrying the handler's code and message.
 */
export type LenetApi = { readonly [M in MethodName]: Call<M> } & {
  onEvent<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

/**
 * The error a client throws when a call fails; `code` says which kind of failure it was, `reason` (when
 * the core knows it) why, as a code and parameters the page translates; `message` is the English for logs.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly reason?: WireReason;
  constructor(code: ErrorCode, message: string, reason?: WireReason) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (reason) this.reason = reason;
  }
}

/** The ApiError of a reason of the table: its kind, its English message, and the reason itself. */
export function failure<C extends ReasonCode>(code: C, params: ReasonParams<C>): ApiError {
  const reason = { code, params } as Reason<C>;
  return new ApiError(kindOf(reason), reasonMessage(reason), reason as WireReason);
}
