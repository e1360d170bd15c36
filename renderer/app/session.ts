import i18next from 'i18next';
import { ApiError, onConnection, type LenetApi, type MenuCommand, type PredictResponse } from '../transport/index.ts';
import { toWireInk, type WireInk } from '../drawing/ink.ts';
import { visibleStrokes } from '../drawing/drawingActions.ts';
import { PredictionScheduler } from '../predict/predictionScheduler.ts';
import { actions, useStudio, type StudioState } from '../state/store.ts';
import { personalActions } from '../state/personalActions.ts';
import { api } from './client.ts';
import { errorText } from '../i18n/errorText.ts';
import { listenToPersonalEvents, loadPersonal } from './personalSession.ts';

export { api };

/**
 * Wires the store to the core: loads the models, keeps predictions live while the ink changes (paced by
 * the PredictionScheduler), and turns the shell's menu commands into store actions. Components never
 * call the API for predictions themselves.
 */

/** What the end-to-end tests read: the ink behind the prediction on screen, so they can ask the core about exactly that ink. */
export interface StudioTestHook {
  readonly shown: { readonly seq: number; readonly ink: WireInk; readonly top: number; readonly modelId: string; readonly empty: boolean } | null;
  readonly idle: boolean;
  readonly sent: number;
}

declare global {
  interface Window {
    __lenetStudio?: StudioTestHook;
  }
}

/** A failure in the interface's language (errorText.ts: the core's reason code, translated). */
const message = errorText;

function isConnectionLoss(error: unknown): boolean {
  return error instanceof ApiError && (error.reason?.code === 'connection.closed' || error.reason?.code === 'connection.unreachable');
}

export async function loadModelInfo(client: LenetApi, id: string): Promise<void> {
  if (useStudio.getState().modelInfo[id]) return;
  actions.modelInfoLoaded(await client.modelInfo({ id }));
}

/**
 * Makes a model the active one. The core checks it first (a personal model must load and agree with the
 * engine); a refusal is shown in the versions list and as a toast, not as a lost connection.
 */
export async function activateModel(id: string): Promise<void> {
  const state = useStudio.getState();
  if (state.activeModelId === id || state.switchingModel) return;
  actions.switchingModel(true);
  personalActions.versionBusy(id);
  try {
    const client = await api();
    const list = await client.activateModel({ id });
    await loadModelInfo(client, list.activeId);
    actions.modelsListed(list);
    personalActions.versionBusy(null);
  } catch (error) {
    personalActions.versionBusy(null, message(error));
    personalActions.showToast({ tone: 'error', message: i18next.t('versions.activateFailed', { message: message(error) }) });
  } finally {
    actions.switchingModel(false);
  }
}

function runMenuCommand(command: MenuCommand['command']): void {
  switch (command) {
    case 'undo': return actions.undo();
    case 'redo': return actions.redo();
    case 'clear': return actions.clear();
    case 'toggle-steps': return actions.toggleSteps();
    case 'toggle-presentation': return actions.togglePresenting();
    case 'show-about': return actions.setAboutOpen(true);
    case 'language-en': return actions.setLanguage('en');
    case 'language-zh-CN': return actions.setLanguage('zh-CN');
  }
}

/** Starts the session once; returns a function that stops listening. */
export function startSession(): () => void {
  const stops: (() => void)[] = [];
  let stopped = false;
  let shown: StudioTestHook['shown'] = null;

  const scheduler = new PredictionScheduler<{ ink: WireInk; modelId: string; withSteps: boolean; withPreActivations: boolean }, PredictResponse>(
    {
      send: async (request) => (await api()).predict({ ink: request.ink, modelId: request.modelId, withSteps: request.withSteps, withPreActivations: request.withPreActivations }),
      apply: (response, request, seq) => {
        shown = { seq, ink: request.ink, top: response.top, modelId: response.modelId, empty: response.empty };
        actions.showPrediction({ response, ink: request.ink, seq });
      },
      // while the socket is away the banner says so once; the prediction keeps its last answer
      fail: (error) => {
        if (!useStudio.getState().reconnecting) actions.predictionFailed(message(error));
      },
      idleChanged: (idle) => actions.setPredictionIdle(idle),
    },
    (callback) => window.requestAnimationFrame(() => callback()),
  );

  window.__lenetStudio = {
    get shown() {
      return shown;
    },
    get idle() {
      return scheduler.idle;
    },
    get sent() {
      return scheduler.sentCount;
    },
  };

  const requestPrediction = (state: StudioState): void => {
    if (!state.activeModelId) return;
    scheduler.request({ ink: toWireInk(visibleStrokes(state.drawing)), modelId: state.activeModelId, withSteps: state.showSteps, withPreActivations: state.layerValues === 'pre' });
  };

  // Predict again whenever what the core would see changes: the strokes, the model, or whether steps
  // (or the values before the activations) are shown.
  stops.push(
    useStudio.subscribe((state, previous) => {
      const inkChanged = state.drawing.strokes !== previous.drawing.strokes || state.drawing.active !== previous.drawing.active;
      if (inkChanged || state.activeModelId !== previous.activeModelId || state.showSteps !== previous.showSteps || state.layerValues !== previous.layerValues) requestPrediction(state);
    }),
  );

  // The desktop menu shows presentation mode as a checked item: tell the core every change (and the
  // remembered state at each connection, below).
  const reportView = (client: LenetApi, presenting: boolean) => void client.setViewState({ presenting }).catch(() => undefined);
  stops.push(
    useStudio.subscribe((state, previous) => {
      if (state.presenting !== previous.presenting) void api().then((client) => reportView(client, state.presenting));
    }),
  );

  let subscribed = false;
  /** Reads the app's state from the core: at the start, and again once a dropped socket is back. */
  const load = async (): Promise<void> => {
    try {
      const client = await api();
      const appInfo = await client.appInfo({});
      const list = await client.listModels({});
      await loadModelInfo(client, list.activeId);
      if (stopped) return;
      actions.connected(appInfo);
      actions.modelsListed(list);
      reportView(client, useStudio.getState().presenting);
      requestPrediction(useStudio.getState());
      if (subscribed) {
        void loadPersonal(client);
        return;
      }
      subscribed = true;
      stops.push(
        client.onEvent('modelChanged', (changed) => {
          void loadModelInfo(client, changed.activeId).then(() => actions.modelsListed(changed), (error: unknown) => actions.connectionFailed(message(error)));
        }),
        client.onEvent('menuCommand', ({ command }) => runMenuCommand(command)),
        ...listenToPersonalEvents(client),
      );
      void loadPersonal(client);
      // Other models' layer tables are small: fetch them now so switching is instant.
      for (const model of list.models) void loadModelInfo(client, model.id).catch(() => undefined);
    } catch (error) {
      // a lost socket is the reconnecting banner's business: it loads again once the socket is back
      if (isConnectionLoss(error)) return;
      actions.connectionFailed(message(error));
    }
  };

  void (async () => {
    const client = await api();
    let wasAway = false;
    stops.push(
      onConnection(client, (state) => {
        actions.setReconnecting(state === 'reconnecting');
        if (state === 'reconnecting') wasAway = true;
        if (state === 'open' && wasAway) {
          wasAway = false;
          void load();
        }
      }),
    );
    await load();
  })();

  return () => {
    stopped = true;
    for (const stop of stops) stop();
  };
}
