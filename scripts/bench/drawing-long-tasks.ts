import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startBrowserMode } from '../../tests/e2e/browser-mode.ts';
import type { ExtensionOptions } from './extensions.ts';

/**
 * The renderer's work while a stroke is drawn: the app is opened in Chromium against browser mode, a
 * real pen digit is replayed as mouse moves (live predictions, every feature map redrawn) and the
 * longest task on the page's main thread is read from a Chromium trace of exactly that stretch.
 * Goal (issue 4): no task over 50 ms.
 */
const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const UNIPEN_DIR = process.env.LENET_UNIPEN_DIR ?? resolve(PROJECT_ROOT, '../shared/data/unipen-dev');

export interface DrawingLongTasks {
  /** The longest main-thread task of the page from the first pointer move to the last prediction shown. */
  readonly longestTaskWhileDrawingMs: number;
  /**
   * The most CPU time one of those tasks used. On a busy machine a task's wall time includes the time
   * the thread waited for a core; this figure does not, so it tells slow code from a crowded machine.
   */
  readonly longestTaskCpuMs: number;
  /** Tasks of 50 ms or more in that stretch (what the Long Tasks API reports). */
  readonly longTasksWhileDrawing: number;
  readonly pointsReplayed: number;
  readonly predictionsShown: number;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  /** Thread (CPU) time. */
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/** Wall and CPU durations (ms) of the top-level tasks of every renderer main thread in a Chromium trace. */
export function rendererMainTasksMs(trace: { traceEvents: readonly TraceEvent[] }): { wall: number; cpu: number }[] {
  const mainThreads = new Set(
    trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  return trace.traceEvents
    .filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mainThreads.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? e.dur ?? 0) / 1000 }));
}

/** A long digit from unipen-dev: many points, so the replay lasts long enough to matter. */
function strokeToReplay(): number[][][] {
  const lines = readFileSync(join(UNIPEN_DIR, 'ced.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const inks = lines.slice(0, 200).map((l) => (JSON.parse(l) as { strokes: number[][][] }).strokes);
  return inks.reduce((a, b) => (b.flat().length > a.flat().length ? b : a));
}

/** Opens the app at `url` and measures one replayed digit. */
export async function measureDrawing(url: string): Promise<DrawingLongTasks> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.locator('[data-testid="layers"] .layer').first().waitFor();
    await page.evaluate(() => {
      const g = globalThis as unknown as { __longTasks: number; PerformanceObserver: new (cb: (list: { getEntries(): unknown[] }) => void) => { observe(o: object): void } };
      g.__longTasks = 0;
      new g.PerformanceObserver((list) => {
        g.__longTasks += list.getEntries().length;
      }).observe({ type: 'longtask' });
    });
    const box = await page.locator('[data-testid="drawing-field"]').boundingBox();
    if (!box) throw new Error('the drawing field is not visible');
    const strokes = strokeToReplay();
    const points = strokes.flat();
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    const scale = (box.width * 0.65) / extent;
    const at = (p: number[]) => [box.x + box.width * 0.175 + (p[0] - Math.min(...xs)) * scale, box.y + box.height * 0.175 + (p[1] - Math.min(...ys)) * scale] as const;
    const seqBefore = Number(await page.locator('[data-testid="prediction"]').getAttribute('data-seq'));

    await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
    for (const stroke of strokes) {
      await page.mouse.move(...at(stroke[0]));
      await page.mouse.down();
      for (const p of stroke.slice(1)) await page.mouse.move(...at(p));
      await page.mouse.up();
    }
    // Until the answer to the last request is on screen: that work belongs to the drawing too.
    await page.waitForFunction(() => {
      const hook = (globalThis as unknown as { __lenetStudio?: { idle: boolean; sent: number; shown: { seq: number } | null } }).__lenetStudio;
      return Boolean(hook && hook.idle && hook.shown && hook.shown.seq === hook.sent);
    });
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    const tasks = rendererMainTasksMs(trace);
    if (tasks.length === 0) throw new Error('the trace holds no renderer main-thread tasks');
    const seqAfter = Number(await page.locator('[data-testid="prediction"]').getAttribute('data-seq'));
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number }).__longTasks);
    return {
      longestTaskWhileDrawingMs: Math.max(...tasks.map((t) => t.wall)),
      longestTaskCpuMs: Math.max(...tasks.map((t) => t.cpu)),
      longTasksWhileDrawing: longTasks,
      pointsReplayed: points.length,
      predictionsShown: seqAfter - seqBefore,
    };
  } finally {
    await browser.close();
  }
}

/**
 * The bench extension (scripts/bench/extensions.ts): builds the renderer, serves `modelDir` as the
 * modern model in browser mode, and measures one replayed digit.
 */
export async function measure(options: ExtensionOptions): Promise<DrawingLongTasks | { skipped: string }> {
  if (!existsSync(CHROMIUM_PATH)) return { skipped: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)` };
  if (!existsSync(UNIPEN_DIR)) return { skipped: `no pen data at ${UNIPEN_DIR}` };
  options.log('drawing long tasks: building the renderer');
  const build = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) return { skipped: 'vite build failed' };
  const modelsDir = await mkdtemp(join(tmpdir(), 'lenet-bench-models-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'lenet-bench-data-'));
  try {
    await cp(options.modelDir, join(modelsDir, 'modern'), { recursive: true });
    const server = await startBrowserMode({ modelsDir, dataDir });
    try {
      options.log('drawing long tasks: replaying a pen digit in Chromium');
      return await measureDrawing(server.launchUrl);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: npx tsx scripts/bench/drawing-long-tasks.ts URL   (the link `npm run web` printed; it works once)');
    process.exit(2);
  }
  console.log(JSON.stringify(await measureDrawing(url)));
}
