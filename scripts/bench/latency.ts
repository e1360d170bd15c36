import { buildNetwork, type MatrixKernels, type NetworkSpec } from '../../main/engine/index.ts';
import { readModelFolder } from '../../main/model-folder/folder.ts';
import { ModelRuntime } from '../../main/runtime/index.ts';
import { singleImages, type BenchData } from './data.ts';
import { measureLatencies, type LatencyPlan } from './timing.ts';

/** Distinct test images the latency loops cycle through, so no run sees a cached answer. */
const IMAGES = 100;

/**
 * The engine's inference on one image: every layer's activations and the probabilities, as the app asks,
 * on the given matrix kernels (default: the thread's, the SIMD ones once loaded).
 */
export async function measureEngineForward(data: BenchData, modelDir: string, plan: LatencyPlan, kernels?: MatrixKernels): Promise<number[]> {
  const folder = await readModelFolder(modelDir);
  checkModern(folder.spec, modelDir);
  const net = buildNetwork(folder.spec, { kernels });
  net.setWeights(folder.weights);
  const images = singleImages(data.test, IMAGES);
  return measureLatencies((i) => net.forward(images[i % images.length], 1), plan);
}

/** ONNX Runtime's predict for one image, fetching the probabilities and every layer's feature maps. */
export async function measureRuntimePredict(data: BenchData, modelDir: string, plan: LatencyPlan): Promise<number[]> {
  const runtime = await ModelRuntime.load(modelDir);
  try {
    checkModern(runtime.spec, modelDir);
    const images = singleImages(data.test, IMAGES);
    return await measureLatencies((i) => runtime.predict(images[i % images.length], 1), plan);
  } finally {
    await runtime.release();
  }
}

/** The latency figures are defined for the modern model on 28x28 MNIST images. */
function checkModern(spec: NetworkSpec, dir: string): void {
  const { channels, height, width } = spec.input;
  if (spec.arch !== 'modern' || channels !== 1 || height !== 28 || width !== 28) {
    throw new Error(`${dir} holds a ${spec.arch} model with ${channels}x${height}x${width} input; the benchmark measures the modern 1x28x28 LeNet-5`);
  }
}
