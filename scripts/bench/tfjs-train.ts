import { BATCH, batchStart, type BenchData } from './data.ts';
import type { Trainer } from './throughput.ts';

/**
 * TensorFlow.js's pure-JavaScript CPU backend (not tfjs-node, which wraps native TensorFlow): the
 * modern LeNet-5 as a Keras-style model, Adam, one trainOnBatch per batch of 64.
 */
export async function openTfjsTrainer(data: BenchData): Promise<Trainer & { readonly backend: string; readonly version: string }> {
  const tf = await import('@tensorflow/tfjs');
  // Production mode, as a shipped app would run it: drops tfjs's debug checks (only ever faster) and its
  // "install tfjs-node" banner, which is beside the point here (tfjs-node is native TensorFlow, not JS).
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend could not be initialised');
  await tf.ready();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 120, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const pixels = 28 * 28;
  const { trainFloats, train } = data;
  let k = 0;
  return {
    params: model.countParams(),
    samplesPerStep: BATCH,
    backend: tf.getBackend(),
    version: tf.version.tfjs,
    async step() {
      const from = batchStart(k++, train.count);
      const x = tf.tensor4d(trainFloats.subarray(from * pixels, (from + BATCH) * pixels), [BATCH, 28, 28, 1]);
      const y = tf.tensor2d(Float32Array.from(train.labels.subarray(from, from + BATCH)), [BATCH, 1]);
      try {
        await model.trainOnBatch(x, y);
      } finally {
        x.dispose();
        y.dispose();
      }
    },
    close: async () => {
      model.dispose();
    },
  };
}
