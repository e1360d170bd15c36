import { constants } from 'node:fs';
import { lstat, open, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';

/**
 * The file types a Vite build of the renderer contains; anything else is not served. Source maps are
 * not among them: they would hand out the app's whole source, and the page never needs them.
 */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticLookup =
  | { readonly ok: true; readonly path: string; readonly mime: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * Maps a request path to a file under `root`, refusing anything that could leave it: encoded or literal
 * `..`, backslashes, NUL bytes, hidden files, and types we do not serve. `/` is index.html. Pure apart
 * from the final resolve, so the browser-mode server and the Electron app:// protocol share it.
 */
export function resolveStaticPath(root: string, requestPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (!decoded.startsWith('/')) return { ok: false, status: 400, reason: 'path must start with /' };
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'forbidden character in path' };
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) {
    return { ok: false, status: 403, reason: 'path leaves the app folder or names a hidden file' };
  }
  const relative = segments.length === 0 ? ['index.html'] : segments;
  const base = resolve(root);
  const full = resolve(base, ...relative);
  if (!full.startsWith(base + sep)) return { ok: false, status: 403, reason: 'path leaves the app folder' };
  const mime = MIME_TYPES[extname(full).toLowerCase()];
  if (!mime) return { ok: false, status: 404, reason: 'not a file type the app serves' };
  return { ok: true, path: full, mime };
}

/**
 * Reads a resolved static file; null when it does not exist or is not a regular file. With `root`, a
 * symbolic link anywhere between the root and the file (the file itself included) also gives null, so
 * nothing placed in the folder can point the server at a file elsewhere.
 */
export async function readStaticFile(path: string, root?: string): Promise<Uint8Array | null> {
  if (root === undefined) {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return readFile(path);
  }
  const base = resolve(root);
  const segments = relative(base, path).split(sep);
  if (segments.length === 0 || segments[0] === '..' || segments[0] === '') return null;
  let at = base;
  for (const segment of segments) {
    at = join(at, segment);
    const info = await lstat(at).catch(() => null);
    if (!info || info.isSymbolicLink()) return null;
  }
  // O_NOFOLLOW: a link swapped in after the check is still not followed (where the system has the flag).
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => null);
  if (!handle) return null;
  try {
    if (!(await handle.stat()).isFile()) return null;
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
