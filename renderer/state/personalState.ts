import type {
  ImportReport, LayerChoice, PersonalInsight, SampleConfusion, SampleList, TrainingOutcome, TrainingProgress, TrainingStatus, WireReason,
} from '../../main/api/contract.ts';

/** The views of the right-hand column. */
export type SideView = 'layers' | 'explain' | 'lab' | 'samples' | 'train' | 'scratch' | 'models';
export const SIDE_VIEWS: readonly SideView[] = ['layers', 'explain', 'lab', 'samples', 'train', 'scratch', 'models'];
export type SamplesMode = 'gallery' | 'confusion';

/** What an Undo button in a toast takes back. */
export type UndoAction =
  /** A sample just saved: delete it. */
  | { readonly kind: 'unsave'; readonly id: string }
  /** Samples just deleted: restore them. */
  | { readonly kind: 'restore'; readonly undoToken: string };

export interface Toast {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly message: string;
  readonly undo?: UndoAction;
}

/** One point of the live curves: x in epochs (fractional while an epoch runs). */
export interface CurvePoint {
  readonly x: number;
  readonly loss: number | null;
  readonly accuracy: number | null;
  /** Held-out accuracy, only at the end of an epoch. */
  readonly heldOut: number | null;
}

export interface TrainingView {
  /** Defaults and limits from the core, and the last outcome waiting for a decision. */
  readonly status: TrainingStatus | null;
  readonly jobId: string | null;
  readonly baseModelId: string | null;
  readonly epochs: number;
  readonly starting: boolean;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly progress: TrainingProgress | null;
  readonly points: readonly CurvePoint[];
  readonly outcome: TrainingOutcome | null;
  readonly deciding: boolean;
  readonly error: string | null;
}

/** A guided round: the digits asked for, in order, and where the person is. */
export interface GuidedRound {
  readonly digits: readonly number[];
  /** The digit asked for now is digits[index]; index = digits.length: the round is finished. */
  readonly index: number;
  readonly saved: number;
  readonly skipped: number;
}

export interface PersonalState {
  readonly view: SideView;
  /** Samples per digit and in all, kept current by every change and the samplesChanged event. */
  readonly counts: readonly number[] | null;
  readonly total: number;
  readonly list: SampleList | null;
  readonly listStale: boolean;
  readonly listError: string | null;
  /** The gallery shows one digit, or all. */
  readonly filter: number | null;
  readonly mode: SamplesMode;
  readonly selection: readonly string[];
  readonly confusion: SampleConfusion | null;
  readonly confusionStale: boolean;
  /** [label, predicted] of the confusion cell whose drawings are shown. */
  readonly cell: readonly [number, number] | null;
  /** What the active model is least sure about for this person (the core's personalInsight). */
  readonly insight: PersonalInsight | null;
  readonly insightStale: boolean;
  readonly guided: GuidedRound | null;
  readonly toast: Toast | null;
  readonly transfer: 'export-zip' | 'export-idx' | 'import' | null;
  readonly importReport: ImportReport | null;
  readonly trainLayers: LayerChoice;
  readonly trainEpochs: number | null;
  readonly training: TrainingView;
  /** Why the chosen model is not the one serving (from the core). */
  readonly modelNotice: string | null;
  /** The notice as reasons to translate (error-codes.ts `fallback.*`). */
  readonly modelNoticeReasons: readonly WireReason[];
  readonly noticeDismissed: boolean;
  /** A personal model being activated or removed from the versions list. */
  readonly versionBusy: string | null;
  readonly versionError: string | null;
}

export const initialTraining: TrainingView = {
  status: null,
  jobId: null,
  baseModelId: null,
  epochs: 0,
  starting: false,
  running: false,
  cancelling: false,
  progress: null,
  points: [],
  outcome: null,
  deciding: false,
  error: null,
};

export function initialPersonal(view: SideView): PersonalState {
  return {
    view,
    counts: null,
    total: 0,
    list: null,
    listStale: true,
    listError: null,
    filter: null,
    mode: 'gallery',
    selection: [],
    confusion: null,
    confusionStale: true,
    cell: null,
    insight: null,
    insightStale: true,
    guided: null,
    toast: null,
    transfer: null,
    importReport: null,
    trainLayers: 'all',
    trainEpochs: null,
    training: initialTraining,
    modelNotice: null,
    modelNoticeReasons: [],
    noticeDismissed: false,
    versionBusy: null,
    versionError: null,
  };
}
