import i18next from 'i18next';
import { api } from '../app/client.ts';
import { errorText } from '../i18n/errorText.ts';
import { personalActions } from '../state/personalActions.ts';
import { actions, useStudio } from '../state/store.ts';
import { scratchActions, useScratch } from './scratchStore.ts';

/**
 * The calls behind the Train view: start, pause/resume/step/cancel, the decision about the result, and
 * probes of the drawing with the weights of the moment (at most one in flight, a few a second; a drawing
 * that changes while one is in flight is probed when it answers).
 */

const t = i18next.t.bind(i18next) as unknown as (key: string, options?: Record<string, unknown>) => string;
/** Between two probes of the drawing, at least this long (ms): the training keeps the cores. */
const PROBE_GAP_MS = 250;

let listening = false;
let probing = false;
/** A new drawing came while a probe was in flight: it is probed as soon as that one answers. */
let probeAgain = false;
let lastProbe = 0;

/** Follows the core's training events from the first time the view opens (then for the session). */
export function listenToScratch(): void {
  if (listening) return;
  listening = true;
  void api().then((client) => {
    client.onEvent('scratchProgress', (p) => {
      scratchActions.progress(p);
      maybeProbe();
    });
    client.onEvent('scratchEpoch', ({ jobId, epoch }) => scratchActions.epoch(jobId, epoch));
    client.onEvent('scratchFinished', (outcome) => scratchActions.finished(outcome));
    // a new drawing while paused is probed at once (no progress event would ask for it)
    useStudio.subscribe((state, previous) => {
      if (state.prediction !== previous.prediction) maybeProbe(true);
    });
  });
}

export async function refreshScratchStatus(): Promise<void> {
  try {
    scratchActions.statusLoaded(await (await api()).scratchTrainingStatus());
  } catch (error) {
    scratchActions.failed(errorText(error));
  }
}

export async function startScratch(): Promise<void> {
  const { options } = useScratch.getState();
  if (!options) return;
  scratchActions.starting();
  try {
    scratchActions.started(await (await api()).startScratchTraining({ options }));
  } catch (error) {
    scratchActions.failed(errorText(error));
  }
}

export async function controlScratch(action: 'pause' | 'resume' | 'step' | 'cancel'): Promise<void> {
  const { started } = useScratch.getState();
  if (!started) return;
  if (action === 'cancel') scratchActions.controlled('stopping');
  try {
    const { state } = await (await api()).controlScratchTraining({ jobId: started.jobId, action });
    scratchActions.controlled(state);
  } catch (error) {
    scratchActions.failed(errorText(error));
  }
}

export async function decideScratch(decision: 'activate' | 'keep' | 'discard'): Promise<void> {
  const { outcome } = useScratch.getState();
  if (!outcome) return;
  scratchActions.deciding(true);
  try {
    const list = await (await api()).finishScratchTraining({ jobId: outcome.jobId, decision });
    actions.modelsListed(list);
    scratchActions.decided();
    const key = decision === 'activate' ? 'scratch.activated' : decision === 'keep' ? 'scratch.kept' : 'scratch.discarded';
    personalActions.showToast({ tone: 'info', message: t(key) });
  } catch (error) {
    scratchActions.failed(errorText(error));
  }
}

/** The drawing through the network being trained, when there is a drawing and it is time. */
function maybeProbe(now = false): void {
  const { started, state } = useScratch.getState();
  const shown = useStudio.getState().prediction;
  if (!started || state === 'idle' || state === 'starting' || state === 'stopping' || !shown || shown.response.empty) return;
  if (probing) {
    probeAgain ||= now;
    return;
  }
  if (!now && performance.now() - lastProbe < PROBE_GAP_MS) return;
  probing = true;
  lastProbe = performance.now();
  const image = shown.response.input;
  void api()
    .then((client) => client.probeScratchTraining({ jobId: started.jobId, image: { width: image.width, height: image.height, data: image.data } }))
    .then(
      (probe) => scratchActions.probed(probe),
      () => undefined, // the training ended between the two: nothing to show
    )
    .finally(() => {
      probing = false;
      if (probeAgain) {
        probeAgain = false;
        maybeProbe(true);
      }
    });
}
