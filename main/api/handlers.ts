import type { z } from 'zod';
import { CHANNELS, methodOfChannel, type Channel } from './channels.ts';
import { ApiError, failure, type Requests, type Result, type WireReason } from './contract.ts';
import { kindOf, REASON_CODES, ReasonedError } from './error-codes.ts';
import type { LenetCore } from './core-port.ts';
import { METHOD_NAMES, METHODS, type MethodName } from './methods.ts';

/** A handler takes an unchecked payload from a transport, validates it, and answers or throws ApiError. */
export type Handler = (payload: unknown) => Promise<unknown>;
export type HandlerTable = Readonly<Record<Channel, Handler>>;

/** One line naming where a payload went wrong, e.g. `ink.strokes.0.3: Invalid input`. */
export function describeIssues(method: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${method}: invalid request: ${parts.join('; ')}${more}`;
}

function parseRequest<M extends MethodName>(method: M, payload: unknown): Requests[M] {
  const parsed = METHODS[method].request.safeParse(payload === undefined ? {} : payload);
  if (!parsed.success) {
    const message = describeIssues(method, parsed.error);
    throw new ApiError('bad-request', message, { code: 'request.invalid', params: { method, detail: message.slice(`${method}: invalid request: `.length) } });
  }
  return parsed.data as Requests[M];
}

/**
 * The handler table, derived from the method table: each channel validates its request with the
 * method's schema and calls the core's method of the same name. Electron's ipcMain and the browser-mode
 * WebSocket server are two thin transports over it.
 */
export function createHandlers(core: LenetCore): HandlerTable {
  const table: Record<Channel, Handler> = {};
  for (const method of METHOD_NAMES) {
    const run = core[method] as (request: unknown) => Promise<unknown>;
    if (typeof run !== 'function') throw new Error(`the core does not implement ${method}`);
    table[CHANNELS[method]] = async (payload) => run.call(core, parseRequest(method, payload));
  }
  return Object.freeze(table);
}

/** Turns anything thrown by a handler into the error a client sees. */
export function toErrorResult(method: string, error: unknown): Extract<Result, { ok: false }> {
  if (error instanceof ApiError) return { ok: false, error: { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) } };
  if (error instanceof ReasonedError && (REASON_CODES as readonly string[]).includes(error.reason.code)) {
    const reason = error.reason as WireReason;
    return { ok: false, error: { code: kindOf(reason), message: error.message, reason } };
  }
  let detail: string;
  try {
    detail = error instanceof Error ? error.message : String(error);
  } catch {
    detail = 'an error that cannot be described'; // a hostile object whose toString throws
  }
  const reason = failure('request.failed', { method, detail: detail.slice(0, 500) || 'internal error' });
  return { ok: false, error: { code: 'internal', message: reason.message, reason: reason.reason } };
}

/**
 * Calls the handler for a channel and never throws: an unknown channel, an invalid payload or a failing
 * core all come back as `{ ok: false, error }`. Both transports call exactly this.
 */
export async function dispatch(table: HandlerTable, channel: unknown, payload: unknown): Promise<Result> {
  const method = methodOfChannel(channel);
  if (method === undefined) {
    const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 64)) : typeof channel;
    return { ok: false, error: { code: 'unknown-channel', message: `unknown channel ${shown}`, reason: { code: 'request.unknownChannel', params: { channel: shown } } } };
  }
  try {
    return { ok: true, value: await table[CHANNELS[method]](payload) };
  } catch (error) {
    return toErrorResult(method, error);
  }
}
