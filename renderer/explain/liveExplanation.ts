import { api } from '../app/client.ts';
import { toWireInk, type WireInk } from '../drawing/ink.ts';
import { visibleStrokes } from '../drawing/drawingActions.ts';
import { PredictionScheduler } from '../predict/predictionScheduler.ts';
import { useStudio } from '../state/store.ts';
import { explainActions, INTEGRATED_STEPS, useExplain, type Explanation } from './explainState.ts';

/** What the end-to-end tests read: whether the explanation on screen answers the latest request. */
export interface ExplainTestHook {
  readonly idle: boolean;
  readonly sent: number;
  readonly applied: number;
}

declare global {
  interface Window {
    __lenetExplain?: ExplainTestHook;
  }
}

interface ExplainRequest {
  readonly ink: WireInk;
  readonly modelId: string;
  readonly target: number | null;
  readonly versus: number | null;
  readonly integratedSteps: number;
}

/**
 * Keeps the explanation following the pen while the view is open: paced like predictions (at most one
 * request per animation frame, an overtaken answer dropped, never queued), so the canvas never waits.
 * Returns the function that stops it.
 */
export function startLiveExplanation(requestFrame: (callback: () => void) => void = (cb) => window.requestAnimationFrame(() => cb())): () => void {
  const scheduler = new PredictionScheduler<ExplainRequest, Explanation>(
    {
      send: async (r) =>
        (await api()).explainDrawing({
          ink: r.ink,
          modelId: r.modelId,
          ...(r.target === null ? {} : { target: r.target }),
          ...(r.versus === null ? {} : { versus: r.versus }),
          integratedSteps: r.integratedSteps,
        }),
      apply: (response, r) => explainActions.shown(response, r.ink),
      fail: (error) => explainActions.failed(error instanceof Error ? error.message : String(error)),
    },
    requestFrame,
    // an explanation takes several frames: one at a time, the newest ink next, so none piles up at the core
    { maxInFlight: 1 },
  );

  window.__lenetExplain = {
    get idle() {
      return scheduler.idle;
    },
    get sent() {
      return scheduler.sentCount;
    },
    get applied() {
      return scheduler.appliedSeq;
    },
  };

  const request = (): void => {
    const studio = useStudio.getState();
    const view = useExplain.getState();
    if (!studio.activeModelId) return;
    const ink = toWireInk(visibleStrokes(studio.drawing));
    if (ink.strokes.length === 0) {
      explainActions.cleared();
      return;
    }
    scheduler.request({
      ink,
      modelId: studio.activeModelId,
      target: view.target,
      versus: view.versus,
      integratedSteps: view.method === 'integratedGradients' ? INTEGRATED_STEPS : 0,
    });
  };

  const stops = [
    useStudio.subscribe((state, previous) => {
      if (state.drawing.strokes !== previous.drawing.strokes || state.drawing.active !== previous.drawing.active || state.activeModelId !== previous.activeModelId) request();
    }),
    useExplain.subscribe((state, previous) => {
      if (state.target !== previous.target || state.versus !== previous.versus || state.method !== previous.method) request();
    }),
  ];
  request();
  return () => {
    for (const stop of stops) stop();
    delete window.__lenetExplain;
  };
}
