import { ApiError, failure, type ErrorCode } from '../api/contract.ts';
import { ModelVersionError } from '../versions/versions.ts';
import { OnnxImportError } from '../versions/onnx-import.ts';
import { kindOf } from '../api/error-codes.ts';
import { SampleStoreError } from '../samples/store.ts';
import { ReplayError, TrainingError } from '../training/index.ts';

/**
 * The errors of the sample store, the model versions and fine-tuning, as the error a page receives: the
 * message is theirs (it names the sample, the model or the option at fault), the code says what kind of
 * failure it was. Anything else is left as it is (the handler table reports it as an internal error).
 */
export function asApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof SampleStoreError) return new ApiError(err.code, err.message, err.reason);
  if (err instanceof ModelVersionError) return new ApiError(err.code, err.message, err.reason);
  if (err instanceof TrainingError) return new ApiError(err.code === 'busy' ? 'unavailable' : (err.code as ErrorCode), err.message, err.reason);
  if (err instanceof OnnxImportError) return new ApiError(kindOf(err.reason), err.message, err.reason);
  if (err instanceof ReplayError) return failure('training.cannotStart', { detail: err.message });
  return err;
}
