import { getApi, type LenetApi } from '../transport/index.ts';

let apiPromise: Promise<LenetApi> | null = null;

/** The one client of the session (the Electron bridge or the browser-mode socket). */
export function api(): Promise<LenetApi> {
  apiPromise ??= getApi();
  return apiPromise;
}
