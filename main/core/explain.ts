import { performance } from 'node:perf_hooks';
import { ApiError, type Requests, type Responses } from '../api/contract.ts';
import type { LoadedModel } from '../api/core-port.ts';
import { buildNetwork, type Network } from '../engine/index.ts';
import { inksWithoutEachStroke, integratedGradients, occlusion, preActivationNetwork, preActivations, saliency, strokeWhatIf, type ClassifyImages, type ExplainTarget, type LayerValues, type PreActivationNetwork } from '../explain/index.ts';
import { IMAGE_SIZE } from '../ink/preprocess.ts';
import { InkError } from '../ink/types.ts';
import type { InkPipeline } from './ink-pipeline.ts';
import { archOf } from './model-info.ts';

const SIDE = IMAGE_SIZE;
/** Integrated gradients cost a batch of backward passes: only when asked for (the live view asks when they are shown). */
const DEFAULT_STEPS = 0;
/** Stroke what-if re-runs the ink pipeline once per stroke: beyond this many strokes (a scribble) it is left out. */
export const MAX_WHAT_IF_STROKES = 24;

/** The engine network of a loaded model (its weights.json), built once per session: gradients come from its backward pass. */
const engines = new WeakMap<LoadedModel, Network>();
function engineOf(model: LoadedModel): Network {
  let net = engines.get(model);
  if (!net) {
    net = buildNetwork(model.spec, { seed: 0 });
    net.setWeights(model.weights);
    engines.set(model, net);
  }
  return net;
}

/** The engine network with activations split off, built once per loaded model (see pre-activations.ts). */
const preNetworks = new WeakMap<LoadedModel, PreActivationNetwork>();

/** Every layer's values before its activation function for one network input (the predict pass's). */
export function preActivationsOf(model: LoadedModel, networkInput: Float32Array): LayerValues[] {
  let pre = preNetworks.get(model);
  if (!pre) {
    pre = preActivationNetwork(model.spec, model.weights);
    preNetworks.set(model, pre);
  }
  return preActivations(pre, networkInput);
}

/** 28x28 images -> the network's input -> ONNX Runtime, one batch: the predict path after the ink pipeline. */
export function classifierOf(model: LoadedModel, pipeline: InkPipeline): ClassifyImages {
  return async (images, batch) => {
    const n = SIDE * SIDE;
    let input: Float32Array | null = null;
    for (let b = 0; b < batch; b++) {
      const one = pipeline.toNetworkInput(images.subarray(b * n, (b + 1) * n), model.spec);
      input ??= new Float32Array(batch * one.length);
      input.set(one, b * one.length);
    }
    if (!input) return new Float32Array(0);
    return model.classify ? model.classify(input, batch) : (await model.predict(input, batch)).probabilities;
  };
}

function image(data: Float32Array) {
  return { width: SIDE, height: SIDE, data };
}

function topOf(p: ArrayLike<number>): number {
  let top = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[top]) top = i;
  return top;
}

/**
 * Attribution for one drawing: gradients from the engine's backward pass (the same weights ONNX Runtime
 * runs), occlusion and stroke what-if through the ink pipeline and ONNX Runtime as predict does.
 */
export async function explainDrawing(model: LoadedModel, modelId: string, pipeline: InkPipeline, request: Requests['explainDrawing']): Promise<Responses['explainDrawing']> {
  const prepare = (ink: Requests['explainDrawing']['ink']) => {
    try {
      return pipeline.prepare(ink);
    } catch (err) {
      if (err instanceof InkError) throw new ApiError('bad-request', `explainDrawing: ${err.message}`);
      throw err;
    }
  };
  if (request.versus !== undefined && request.versus === request.target) {
    throw new ApiError('bad-request', `explainDrawing: versus must be another class than the target (${request.target})`);
  }
  const prepared = prepare(request.ink);
  const img = prepared.image28;
  const classify = classifierOf(model, pipeline);
  const net = engineOf(model);

  const t0 = performance.now();
  const whole = await classify(img, 1);
  const top = topOf(whole);
  // "Why the winner and not 1?" while the pen turns the drawing into a 1: nothing to compare, so the
  // winner is explained alone (the response's versus says so).
  const versus = request.versus ?? null;
  const target: ExplainTarget = { target: request.target ?? top, versus: versus === (request.target ?? top) ? null : versus };
  const grad = saliency(net, img, SIDE, target);
  const steps = request.integratedSteps ?? DEFAULT_STEPS;
  const ig = steps > 0 ? integratedGradients(net, img, SIDE, target, steps) : null;
  const t1 = performance.now();
  const occ = await occlusion(img, SIDE, target, classify);
  const t2 = performance.now();

  // Each stroke left out, read the way the app reads a drawing: the ink pipeline again (the digit is
  // re-fitted and re-centred without it), then one batch through ONNX Runtime.
  const omitted = request.ink.strokes.length > MAX_WHAT_IF_STROKES;
  const inks = prepared.empty || omitted ? [] : inksWithoutEachStroke(request.ink);
  // A stroke whose removal leaves nothing to read is not classified: a blank field's probabilities say
  // nothing about the drawing.
  const preparedWithout = inks.map(prepare);
  const readable = preparedWithout.filter((p) => !p.empty);
  const images = new Float32Array(readable.length * SIDE * SIDE);
  readable.forEach((p, i) => images.set(p.image28, i * SIDE * SIDE));
  const without = readable.length > 0 ? await classify(images, readable.length) : new Float32Array(0);
  const what = strokeWhatIf(whole, without, preparedWithout.map((p) => p.empty), target);
  const t3 = performance.now();

  return {
    modelId,
    arch: archOf(model.spec),
    empty: prepared.empty,
    target: target.target,
    versus: target.versus,
    probabilities: Array.from(whole),
    top,
    input: image(Float32Array.from(img)),
    score: grad.score,
    saliency: image(grad.gradient),
    gradientTimesInput: image(grad.gradientTimesInput),
    integratedGradients: ig ? { map: image(ig.attribution), steps: ig.steps, sum: ig.sum, expected: ig.expected } : null,
    occlusion: { patch: occ.patch, stride: occ.stride, base: occ.base, map: image(occ.map) },
    strokes: what.strokes,
    deciding: what.deciding,
    strokesOmitted: omitted,
    timing: { gradientMs: t1 - t0, occlusionMs: t2 - t1, strokesMs: t3 - t2 },
  };
}
