import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENTS, METHOD_NAMES, type EventName } from '../api/channels.ts';

/**
 * The sandboxed preload: exposes exactly the contract's functions as window.lenet. The page never sees
 * ipcRenderer, an IPC event object or a channel name; it calls methods, and subscribes to named events.
 * Imports nothing but the contract's tables (bundled in) and electron, as a sandboxed preload must.
 * Typed arrays (feature maps, kernels, images, files) cross as they are: IPC and the context bridge
 * structured-clone them.
 */
type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; reason?: unknown } };

function unwrap(result: Result): unknown {
  if (result.ok) return result.value;
  // Only an Error's message crosses the context bridge: the code (and the reason, URI-encoded JSON, which
  // holds no space or bracket) travels in it, and the renderer's transport (renderer/transport/bridge.ts)
  // turns it back into an ApiError.
  const reason = result.error.reason === undefined ? '' : `|${encodeURIComponent(JSON.stringify(result.error.reason))}`;
  throw new Error(`[${result.error.code}${reason}] ${result.error.message}`);
}

const api: Record<string, unknown> = {};
for (const method of METHOD_NAMES) {
  const channel = CHANNELS[method];
  api[method] = async (request?: unknown) => unwrap((await ipcRenderer.invoke(channel, request ?? {})) as Result);
}
api.onEvent = (name: EventName, listener: (payload: unknown) => void): (() => void) => {
  if (typeof name !== 'string' || !Object.hasOwn(EVENTS, name)) throw new Error(`[bad-request] unknown event ${String(name)}`);
  if (typeof listener !== 'function') throw new Error('[bad-request] onEvent needs a listener function');
  const channel = EVENTS[name];
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
};

contextBridge.exposeInMainWorld('lenet', Object.freeze(api));
