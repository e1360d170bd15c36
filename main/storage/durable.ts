import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Crash-safe file operations. A file is replaced by writing a temporary file beside it, flushing it
 * (fsync), renaming it over the target and flushing the folder: after a crash the target holds the old
 * bytes or the new ones, never a mix, and at worst a temporary file is left behind, which
 * sweepTempFiles removes. The sample store, the model folders and the window state all write this way.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** writeFileAtomic's temporary names: `<target>.tmp-<pid>-<8 hex digits>`. */
const TEMP_NAME = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/** A temporary file this old was abandoned whoever wrote it: a write takes milliseconds. */
const ABANDONED_AFTER_MS = 60_000;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Removes the temporary files (or folders) a crashed writer left in `dir`: those whose process is gone, and any older
 * than a minute (a live process with a recycled pid does not keep a leftover forever). A write in
 * flight in another live process is left alone. Returns the names removed.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const pid = Number(m[1]);
    let abandoned = !processAlive(pid);
    if (!abandoned) {
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      abandoned = age > ABANDONED_AFTER_MS;
    }
    if (!abandoned) continue;
    // a temporary folder (a model being written) goes the same way as a file
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves a file (same file system) and makes both folder entries durable. */
export async function moveDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dirname(to));
  if (dirname(from) !== dirname(to)) await syncDirectory(dirname(from));
}

/** Makes renames and removals in `dir` durable. Not every platform can open a folder (Windows cannot): best effort. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // the files themselves are flushed; only the folder entry's durability is at stake
  } finally {
    await handle?.close();
  }
}

/** A name in `dir` not yet taken: `base`, else `base.1`, `base.2`... (used when setting files aside). */
export async function freeName(dir: string, base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}.${i}`;
    const taken = await stat(join(dir, name)).then(() => true, () => false);
    if (!taken) return name;
  }
}
