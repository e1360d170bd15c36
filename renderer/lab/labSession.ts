import { api } from '../app/session.ts';
import { errorText } from '../i18n/errorText.ts';
import { useStudio } from '../state/store.ts';
import { DRAWING, labActions, useLab, type LabState } from './labStore.ts';

const message = (error: unknown) => errorText(error);

/** What a labConvolve request is made of: a change to any of these asks the core again. */
const ASKS: readonly (keyof LabState)[] = ['input', 'kernels', 'bias', 'stride', 'padding', 'fn', 'slope', 'pool', 'unit', 'poolUnit'];

/**
 * Wires the lab to the core while its tab is open: loads the presets once, asks labConvolve at most once
 * per animation frame after a change (an answer overtaken by a newer request is dropped), follows the
 * drawing when it is the input, and slides the window while playing. Returns the function that stops it.
 */
export function startLab(): () => void {
  let frame = 0;
  let seq = 0;
  let stopped = false;

  const ask = () => {
    frame = 0;
    const s = useLab.getState();
    const mine = ++seq;
    void api()
      .then((client) =>
        client.labConvolve({
          input: { channels: s.input.channels, height: s.input.height, width: s.input.width, data: Float32Array.from(s.input.data) },
          kernels: { outMaps: s.kernels.outMaps, height: s.kernels.height, width: s.kernels.width, data: Float32Array.from(s.kernels.data) },
          bias: [...s.bias],
          stride: [s.stride[0], s.stride[1]],
          padding: [s.padding[0], s.padding[1]],
          activation: s.fn === 'leaky-relu' ? { fn: s.fn, slope: s.slope } : { fn: s.fn },
          pool: s.pool ? { kind: s.pool.kind, size: [s.pool.size[0], s.pool.size[1]], stride: [s.pool.stride[0], s.pool.stride[1]] } : null,
          unit: s.unit,
          poolUnit: s.pool ? s.poolUnit : null,
        }),
      )
      .then(
        (result) => !stopped && mine === seq && labActions.answered(result),
        (error: unknown) => !stopped && mine === seq && labActions.failed(message(error)),
      );
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(ask);
  };

  if (!useLab.getState().presets) {
    void api()
      .then((client) => client.labPresets())
      .then((presets) => !stopped && labActions.presetsLoaded(presets), (error: unknown) => labActions.failed(message(error)));
  } else schedule();

  const unsubscribeLab = useLab.subscribe((state, previous) => {
    if (ASKS.some((k) => state[k] !== previous[k])) schedule();
  });
  const unsubscribeDrawing = useStudio.subscribe((state, previous) => {
    if (useLab.getState().source === DRAWING && state.prediction !== previous.prediction) labActions.useDrawing(state.prediction?.response.networkInput ?? null);
  });
  let timer = 0;
  const unsubscribePlay = useLab.subscribe((state, previous) => {
    if (state.playing === previous.playing) return;
    window.clearInterval(timer);
    if (state.playing) timer = window.setInterval(labActions.step, 700);
  });
  if (useLab.getState().playing) timer = window.setInterval(labActions.step, 700);

  return () => {
    stopped = true;
    if (frame) cancelAnimationFrame(frame);
    window.clearInterval(timer);
    unsubscribeLab();
    unsubscribeDrawing();
    unsubscribePlay();
  };
}
