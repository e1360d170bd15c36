import { ShapeError } from '../engine/tensor.ts';
import type { Network } from '../engine/network.ts';
import { InkError } from '../ink/types.ts';
import { calculate, engineNetwork, INPUT_PRESETS, KERNEL_PRESETS, labConvolve, networkWorkedSum, presetChain } from '../lab/index.ts';
import { ApiError, failure } from '../api/contract.ts';
import type { LenetCore, ModelDescription } from '../api/core-port.ts';
import type { InkPipeline } from './ink-pipeline.ts';

type LabMethods = Pick<LenetCore, 'labPresets' | 'labConvolve' | 'labLayers' | 'unitWorkedSum'>;

interface LabContext {
  readonly describe: (id: string) => Promise<ModelDescription>;
  readonly requireActive: () => string;
  readonly pipeline: InkPipeline;
}

/** A lab request that does not fit (a kernel larger than the padded input...) is the person's to fix: bad-request, with the engine's words. */
function asked<R>(what: string, run: () => R): R {
  try {
    return run();
  } catch (err) {
    if (err instanceof ShapeError) throw failure('lab.doesNotFit', { method: what, detail: err.message });
    throw err;
  }
}

/** The convolution lab's requests: pure engine arithmetic, plus worked sums of a real model's units. */
export function createLab(context: LabContext): LabMethods {
  // one engine network per model description, built once (the description is cached and never changes)
  const networks = new WeakMap<ModelDescription, Network>();
  const networkOf = (d: ModelDescription) => {
    let n = networks.get(d);
    if (!n) {
      n = engineNetwork(d.spec, d.weights);
      networks.set(d, n);
    }
    return n;
  };

  return {
    async labPresets() {
      return {
        inputs: INPUT_PRESETS.map((p) => ({
          id: p.id,
          input: { ...p.input, data: p.input.data.slice() },
          kernels: { ...p.kernels, data: p.kernels.data.slice() },
          bias: p.bias.slice(),
          padding: [...p.padding],
          stride: [...p.stride],
        })),
        kernels: KERNEL_PRESETS.map((k) => ({ ...k, data: k.data.slice() })),
      };
    },

    async labConvolve(request) {
      return asked('labConvolve', () =>
        labConvolve({
          input: request.input,
          kernels: request.kernels,
          bias: Float32Array.from(request.bias),
          stride: request.stride,
          padding: request.padding,
          activation: request.activation,
          pool: request.pool ?? null,
          unit: request.unit ?? null,
          poolUnit: request.poolUnit ?? null,
        }),
      );
    },

    async labLayers(request) {
      const chain = request.preset ? presetChain(request.preset) : request.chain!;
      return asked('labLayers', () => {
        const result = calculate(chain);
        return { ...result, chain: { input: [...chain.input], layers: chain.layers.map((l) => ({ ...l })) } };
      });
    },

    async unitWorkedSum(request) {
      const id = request.modelId ?? context.requireActive();
      const description = await context.describe(id);
      let prepared;
      try {
        prepared = context.pipeline.prepare(request.ink);
      } catch (err) {
        if (err instanceof InkError) throw new ApiError('bad-request', `unitWorkedSum: ${err.message}`);
        throw err;
      }
      const input = context.pipeline.toNetworkInput(prepared.image28, description.spec);
      const { layer, from, worked, probability } = asked('unitWorkedSum', () =>
        networkWorkedSum(networkOf(description), description.weights, input, { layer: request.layer, map: request.map, row: request.row, col: request.col }),
      );
      return { modelId: id, layer, from, worked, probability };
    },
  };
}
