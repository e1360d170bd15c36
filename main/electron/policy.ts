/**
 * The desktop shell's security decisions as plain functions over plain values, so they are tested
 * without Electron. main.ts wires them to Electron's events.
 */

/** The app is served from this custom protocol over the built renderer; nothing else is ever loaded. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lenet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** The page may run only our own scripts and styles, and connect nowhere: IPC is its only channel. */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'self' blob:",
].join('; ');

/** Whether a URL belongs to the app: the app:// origin, nothing else (no file://, no http). */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** What an IPC handler knows of the frame that sent a message (Electron's WebFrameMain, or a test fake). */
export interface SenderFrame {
  readonly url: string;
  /** The frame's parent; only the top frame of our window may call the core. */
  readonly parent?: unknown;
}

/** A message is served only when it comes from our app's top frame; returns why not, or null. */
export function senderProblem(frame: SenderFrame | null | undefined): string | null {
  if (!frame) return 'the sending frame is gone';
  if (frame.parent) return 'messages from sub-frames are not served';
  if (!isAppUrl(frame.url)) return `messages from ${JSON.stringify(String(frame.url).slice(0, 100))} are not served`;
  return null;
}

/**
 * In-page navigation to another page of the app is harmless (a reload); anything else (a link, a drag and
 * drop, a script setting location) is refused.
 */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** New windows are never opened: window.open and target=_blank are refused. */
export function windowOpenDecision(_details: { url: string }): { action: 'deny' } {
  return { action: 'deny' };
}

/** Every permission (camera, notifications, clipboard reads, HID...) is denied: the app needs none. */
export function permissionDecision(_permission: string): boolean {
  return false;
}
