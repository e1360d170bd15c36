import '../../main/api/zod-setup.ts';
import type { LenetApi } from '../../main/api/contract.ts';
import { wrapBridge } from './bridge.ts';
import { addressWithoutSecrets, createWsClient, socketUrlFor, type ConnectionState, type WsClient } from './ws-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    readonly lenet?: LenetApi;
  }
}

let api: Promise<LenetApi> | null = null;

/** Replaces the current history entry with the page's address without a launch code or token, if it had one. */
export function removeSecretsFromAddress(): void {
  const clean = addressWithoutSecrets(window.location.href);
  if (clean !== null) window.history.replaceState(window.history.state, '', clean);
}

/**
 * The app's one door to the core: the Electron preload bridge when the page runs in the desktop app,
 * otherwise a WebSocket client to browser mode's server at the page's own host (the browser sends the
 * session cookie with it). Any secret left in the address is removed from the address bar and history.
 */
export function getApi(): Promise<LenetApi> {
  api ??= (async () => {
    if (window.lenet) return wrapBridge(window.lenet);
    removeSecretsFromAddress();
    const url = socketUrlFor(window.location.href);
    return createWsClient(url, (u) => new WebSocket(u));
  })();
  return api;
}

/**
 * Tells the listener whether the core can be reached now ('open') or the client is trying again
 * ('reconnecting'). The Electron bridge is always there; the browser-mode socket can drop.
 */
export function onConnection(client: LenetApi, listener: (state: ConnectionState) => void): () => void {
  const ws = client as LenetApi & Partial<WsClient>;
  if (typeof ws.onConnection === 'function') return ws.onConnection(listener);
  listener('open');
  return () => undefined;
}

export type * from '../../main/api/contract.ts';
export type { ConnectionState } from './ws-client.ts';
export { ApiError } from '../../main/api/contract.ts';
export { CHANNELS, EVENTS } from '../../main/api/channels.ts';
export { addressWithoutSecrets, createWsClient, socketUrlFor } from './ws-client.ts';
