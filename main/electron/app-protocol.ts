import { readStaticFile, resolveStaticPath } from '../web/static-files.ts';
import { APP_CSP, APP_HOST } from './policy.ts';

/**
 * Answers one app:// request from the built renderer folder: only GET, only our host, only files inside
 * the folder (the same path rules as browser mode), every response with the app's CSP.
 */
export async function serveAppRequest(rendererDir: string, request: { url: string; method: string }): Promise<Response> {
  const headers = {
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const refuse = (status: number, message: string) => new Response(message, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400, 'bad URL');
  }
  if (url.host !== APP_HOST) return refuse(403, 'unknown host');
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method not allowed');
  const found = resolveStaticPath(rendererDir, url.pathname);
  if (!found.ok) return refuse(found.status, found.reason);
  const body = await readStaticFile(found.path);
  if (!body) return refuse(404, url.pathname === '/' || url.pathname === '/index.html' ? 'the renderer is not built: run `npm start`' : 'not found');
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': found.mime } });
}
