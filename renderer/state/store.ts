import { create } from 'zustand';
import type { AppInfo, ModelInfo, ModelList, ModelSummary, PredictResponse } from '../transport/index.ts';
import * as drawing from '../drawing/drawingActions.ts';
import type { InkPoint } from '../drawing/coords.ts';
import type { InkSample, PointerKind, WireInk } from '../drawing/ink.ts';
import { initialPersonal, SIDE_VIEWS, type PersonalState, type SideView } from './personalState.ts';

export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];
/** Feature-map colours scaled to each map's own largest value, or to the largest in the whole layer. */
export type Scaling = 'map' | 'layer';
/** The layer views show each unit's value after its activation function (what the next layer reads) or before it. */
export type LayerValues = 'post' | 'pre';
export type Tool = 'pen' | 'eraser';

/** The unit under the pointer in a layer viewer. */
export interface HoveredUnit {
  readonly modelId: string;
  readonly layer: string;
  readonly map: number;
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

export interface SelectedMap {
  readonly modelId: string;
  readonly layer: string;
  readonly map: number;
}

/** The prediction on screen and the exact ink it was computed from. */
export interface ShownPrediction {
  readonly response: PredictResponse;
  readonly ink: WireInk;
  readonly seq: number;
}

export interface StudioState {
  readonly drawing: drawing.DrawingState;
  readonly tool: Tool;
  /** event.timeStamp of the ink's first sample: sample times are kept relative to it. */
  readonly inkStartTime: number | null;
  readonly prediction: ShownPrediction | null;
  readonly predictionError: string | null;
  /** No ink waiting to be predicted and no request unanswered. */
  readonly predictionIdle: boolean;
  readonly models: readonly ModelSummary[];
  readonly activeModelId: string | null;
  readonly modelInfo: Readonly<Record<string, ModelInfo>>;
  readonly switchingModel: boolean;
  readonly connectionError: string | null;
  /** The browser-mode socket dropped and the client is trying again (with back-off): one calm banner. */
  readonly reconnecting: boolean;
  readonly appInfo: AppInfo | null;
  readonly language: Language;
  readonly scaling: Scaling;
  readonly layerValues: LayerValues;
  readonly showSteps: boolean;
  /** Presentation mode, for projectors: larger type, drawing, prediction and maps. */
  readonly presenting: boolean;
  readonly hovered: HoveredUnit | null;
  readonly selected: SelectedMap | null;
  readonly aboutOpen: boolean;
  /** Samples, fine-tuning and model versions (actions in personalActions.ts). */
  readonly personal: PersonalState;
}

const LANGUAGE_KEY = 'lenet-studio.language';
const SCALING_KEY = 'lenet-studio.scaling';
const LAYER_VALUES_KEY = 'lenet-studio.layer-values';
const PRESENTING_KEY = 'lenet-studio.presentation';
export const VIEW_KEY = 'lenet-studio.view';

function storedView(): SideView {
  try {
    const saved = window.localStorage.getItem(VIEW_KEY);
    if (SIDE_VIEWS.includes(saved as SideView)) return saved as SideView;
  } catch {
    // as for the language: the default view then
  }
  return 'layers';
}

function storedLanguage(): Language {
  try {
    const saved = window.localStorage.getItem(LANGUAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage can be unavailable (privacy settings); fall back to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function storedPresenting(): boolean {
  try {
    return window.localStorage.getItem(PRESENTING_KEY) === 'on';
  } catch {
    return false;
  }
}

function storedScaling(): Scaling {
  try {
    return window.localStorage.getItem(SCALING_KEY) === 'layer' ? 'layer' : 'map';
  } catch {
    return 'map';
  }
}

function storedLayerValues(): LayerValues {
  try {
    return window.localStorage.getItem(LAYER_VALUES_KEY) === 'pre' ? 'pre' : 'post';
  } catch {
    return 'post';
  }
}

export function remember(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not remembered, but the choice still applies for this session.
  }
}

const initialState: StudioState = {
  drawing: drawing.emptyDrawing,
  tool: 'pen',
  inkStartTime: null,
  prediction: null,
  predictionError: null,
  predictionIdle: true,
  models: [],
  activeModelId: null,
  modelInfo: {},
  switchingModel: false,
  connectionError: null,
  reconnecting: false,
  appInfo: null,
  language: storedLanguage(),
  scaling: storedScaling(),
  layerValues: storedLayerValues(),
  showSteps: false,
  presenting: storedPresenting(),
  hovered: null,
  selected: null,
  aboutOpen: false,
  personal: initialPersonal(storedView()),
};

export const useStudio = create<StudioState>()(() => initialState);

const set = useStudio.setState;
const get = useStudio.getState;

const updateDrawing = (next: (d: drawing.DrawingState) => drawing.DrawingState): void => {
  const before = get().drawing;
  const after = next(before);
  if (after !== before) set({ drawing: after });
};

/** Every change to the studio's state goes through one of these named actions. */
export const actions = {
  // ---- drawing
  beginStroke(pointer: PointerKind, first: Omit<InkSample, 't'>, timeStamp: number): void {
    const { drawing: d, inkStartTime } = get();
    // A new ink starts when the field is empty: its sample times count from here.
    const start = d.strokes.length === 0 || inkStartTime === null ? timeStamp : inkStartTime;
    set({ inkStartTime: start, drawing: drawing.beginStroke(d, pointer, { ...first, t: Math.max(0, timeStamp - start) }) });
  },
  extendStroke(samples: readonly (Omit<InkSample, 't'> & { timeStamp: number })[]): void {
    const start = get().inkStartTime ?? 0;
    updateDrawing((d) => drawing.extendStroke(d, samples.map((s) => ({ at: s.at, pressure: s.pressure, t: Math.max(0, s.timeStamp - start) }))));
  },
  endStroke(): void {
    updateDrawing(drawing.endStroke);
  },
  cancelStroke(): void {
    updateDrawing(drawing.cancelStroke);
  },
  beginErase(): void {
    updateDrawing(drawing.beginErase);
  },
  eraseAlong(path: readonly InkPoint[]): void {
    updateDrawing((d) => drawing.eraseAlong(d, path));
  },
  endErase(): void {
    updateDrawing(drawing.endErase);
  },
  undo(): void {
    updateDrawing(drawing.undo);
  },
  redo(): void {
    updateDrawing(drawing.redo);
  },
  clear(): void {
    updateDrawing(drawing.clearDrawing);
  },
  setTool(tool: Tool): void {
    set({ tool });
  },
  toggleTool(): void {
    set({ tool: get().tool === 'pen' ? 'eraser' : 'pen' });
  },

  // ---- predictions
  showPrediction(prediction: ShownPrediction): void {
    set({ prediction, predictionError: null });
  },
  predictionFailed(message: string): void {
    set({ predictionError: message });
  },
  setPredictionIdle(idle: boolean): void {
    set({ predictionIdle: idle });
  },

  // ---- models and the connection
  connected(appInfo: AppInfo): void {
    set({ appInfo, connectionError: null });
  },
  connectionFailed(message: string): void {
    set({ connectionError: message });
  },
  setReconnecting(reconnecting: boolean): void {
    if (get().reconnecting !== reconnecting) set(reconnecting ? { reconnecting } : { reconnecting, predictionError: null });
  },
  modelsListed(list: ModelList): void {
    const personal = get().personal;
    const notice = list.notice ?? null;
    set({
      models: list.models,
      activeModelId: list.activeId,
      // samples are read again by the model now serving
      personal: { ...personal, modelNotice: notice, modelNoticeReasons: list.noticeReasons ?? [], noticeDismissed: notice === personal.modelNotice && personal.noticeDismissed, confusionStale: personal.confusionStale || list.activeId !== get().activeModelId },
    });
  },
  modelInfoLoaded(info: ModelInfo): void {
    set({ modelInfo: { ...get().modelInfo, [info.id]: info } });
  },
  switchingModel(switching: boolean): void {
    set({ switchingModel: switching, hovered: null, selected: null });
  },

  // ---- view
  setLanguage(language: Language): void {
    remember(LANGUAGE_KEY, language);
    set({ language });
  },
  setScaling(scaling: Scaling): void {
    remember(SCALING_KEY, scaling);
    set({ scaling });
  },
  setLayerValues(layerValues: LayerValues): void {
    remember(LAYER_VALUES_KEY, layerValues);
    set({ layerValues });
  },
  toggleSteps(): void {
    set({ showSteps: !get().showSteps });
  },
  togglePresenting(): void {
    const presenting = !get().presenting;
    remember(PRESENTING_KEY, presenting ? 'on' : 'off');
    set({ presenting });
  },
  hoverUnit(unit: HoveredUnit | null): void {
    const current = get().hovered;
    if (unit === current) return;
    if (unit && current && unit.layer === current.layer && unit.map === current.map && unit.row === current.row && unit.col === current.col && unit.value === current.value) return;
    set({ hovered: unit });
  },
  selectMap(selected: SelectedMap | null): void {
    set({ selected });
  },
  setAboutOpen(open: boolean): void {
    set({ aboutOpen: open });
  },
};

export type StudioActions = typeof actions;
