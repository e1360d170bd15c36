import { readModelFolder } from '../model-folder/folder.ts';
import { checkParity, ModelRuntime, withinTolerance, type ParityReport } from '../runtime/index.ts';
import { parityInputs } from './parity-inputs.ts';

/** Why a model folder cannot be trusted, naming the file at fault where there is one. */
export class ModelVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelVerificationError';
  }
}

/**
 * A model folder is trusted only when all of this holds: its files read and fit each other, they match
 * the SHA-256 recorded in its card (required of bundled models), ONNX Runtime loads model.onnx, and the
 * runtime agrees with the engine's weights on the stored check inputs. Run at activation and, for the
 * active model, at every start.
 */
export async function verifyModel(dir: string, options: { bundled: boolean }): Promise<ParityReport> {
  let folder;
  try {
    folder = await readModelFolder(dir);
  } catch (err) {
    throw new ModelVerificationError((err as Error).message, { cause: err });
  }
  if (options.bundled && folder.meta.integrity === undefined) {
    throw new ModelVerificationError(`${dir}: a bundled model must carry the SHA-256 of its files in meta.json (npm run seal-model)`);
  }
  let runtime: ModelRuntime;
  try {
    runtime = await ModelRuntime.load(dir);
  } catch (err) {
    throw new ModelVerificationError((err as Error).message, { cause: err });
  }
  let parity: ParityReport;
  try {
    const { input, batch } = parityInputs(runtime.spec);
    parity = await checkParity(runtime, input, batch);
  } catch (err) {
    throw new ModelVerificationError(`${dir}/model.onnx: ONNX Runtime cannot run it (${(err as Error).message})`, { cause: err });
  } finally {
    await runtime.release();
  }
  if (!withinTolerance(parity)) {
    const worst = [{ name: 'probabilities', maxAbsDiff: parity.probabilities }, ...parity.layers].sort((a, b) => b.maxAbsDiff - a.maxAbsDiff)[0];
    throw new ModelVerificationError(`${dir}: ONNX Runtime and the engine disagree (${worst.name} differs by ${worst.maxAbsDiff}), so model.onnx or weights.json is damaged`);
  }
  return parity;
}
