import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { integrityOf, META_FILE, MODEL_FILE, readModelFolder, REJECT_FILE, WEIGHTS_FILE } from '../main/model-folder/folder.ts';

/**
 * `npm run seal-model -- DIR...`: records the SHA-256 of a model folder's model.onnx and weights.json (and
 * reject.json when there is one) in
 * its meta.json (training does this itself; this seals a folder written before it did). The app then
 * trusts the folder only while both files still match. The folder must load cleanly first.
 */
const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run seal-model -- DIR...');
  process.exit(2);
}
for (const dir of dirs.map((d) => resolve(d))) {
  const metaPath = join(dir, META_FILE);
  const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
  delete meta.integrity;
  await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  await readModelFolder(dir); // refuses a folder that does not load
  const reject = await readFile(join(dir, REJECT_FILE)).catch(() => null);
  const integrity = integrityOf(await readFile(join(dir, MODEL_FILE)), await readFile(join(dir, WEIGHTS_FILE)), reject);
  await writeFile(metaPath, `${JSON.stringify({ ...meta, integrity }, null, 2)}\n`);
  console.log(`${dir}: sealed (model.onnx ${integrity[MODEL_FILE].slice(0, 12)}…, weights.json ${integrity[WEIGHTS_FILE].slice(0, 12)}…${reject ? `, reject.json ${integrity[REJECT_FILE]?.slice(0, 12)}…` : ''})`);
}
