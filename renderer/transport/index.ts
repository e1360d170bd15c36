import '../../main/api/zod-setup.ts';
import type { LenetApi } from '../../main/api/contract.ts';
import { wrapBridge } from './bridge.ts';
import { createWsClient, socketUrlFor } from './ws-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    readonly lenet?: LenetApi;
  }
}

let api: Promise<LenetApi> | null = null;

/**
 * The app's one door to the core: the Electron preload bridge when the page runs in the desktop app,
 * otherwise a WebSocket client to browser mode's server (URL and token from the page's own address).
 */
export function getApi(): Promise<LenetApi> {
  api ??= (async () => {
    if (window.lenet) return wrapBridge(window.lenet);
    const url = socketUrlFor(window.location.href);
    return createWsClient(url, (u) => new WebSocket(u));
  })();
  return api;
}

export type * from '../../main/api/contract.ts';
export { ApiError } from '../../main/api/contract.ts';
export { CHANNELS, EVENTS } from '../../main/api/channels.ts';
export { createWsClient, socketUrlFor } from './ws-client.ts';
