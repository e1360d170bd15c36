import { ApiError, type ErrorCode, type LenetApi, type WireReason } from '../../main/api/contract.ts';
import { METHOD_NAMES } from '../../main/api/methods.ts';
import { ERROR_CODES, ReasonSchema } from '../../main/api/schemas.ts';

function decodeReason(encoded: string | undefined): WireReason | undefined {
  if (!encoded) return undefined;
  try {
    const parsed = ReasonSchema.safeParse(JSON.parse(decodeURIComponent(encoded)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `[not-found] no model called x` -> ApiError('not-found', 'no model called x'); `[not-found|%7B...%7D] ...`
 * also carries the reason (the preload's encoding).
 */
export function toApiError(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : String(error);
  // Electron prefixes errors from the main world with "Error invoking remote method ...: Error: ".
  const match = /\[([a-z-]+)(?:\|([^\s\]]+))?\] ([\s\S]*)$/.exec(message);
  if (match && (ERROR_CODES as readonly string[]).includes(match[1])) return new ApiError(match[1] as ErrorCode, match[3], decodeReason(match[2]));
  return new ApiError('internal', message);
}

/** The preload's window.lenet, with its failures turned back into ApiErrors like the WebSocket client's. */
export function wrapBridge(bridge: LenetApi): LenetApi {
  const api: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    const call = bridge[method] as (request?: unknown) => Promise<unknown>;
    api[method] = (request?: unknown) =>
      call(request).catch((error: unknown) => {
        throw toApiError(error);
      });
  }
  api.onEvent = bridge.onEvent;
  return api as unknown as LenetApi;
}
