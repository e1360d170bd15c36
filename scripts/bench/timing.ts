/**
 * Two measuring loops: throughput (repeated timed runs of a step that processes a known number of
 * samples) and latency (one timing per call). Both warm up first so JIT compilation, buffer growth and
 * lazy kernel set-up stay out of the figures.
 */
export interface ThroughputPlan {
  readonly warmupSeconds: number;
  /** At least this many warm-up steps, however long they take (slow trainers need one full step). */
  readonly warmupSteps: number;
  readonly runs: number;
  /** A run lasts at least this long... */
  readonly runSeconds: number;
  /** ...and at least this many steps (a fixed step count when runSeconds is 0). */
  readonly minStepsPerRun: number;
}

export type Step = () => unknown;

async function call(step: Step): Promise<void> {
  const r = step();
  if (r instanceof Promise) await r;
}

export async function warmUp(step: Step, plan: ThroughputPlan): Promise<void> {
  const start = performance.now();
  for (let s = 0; s < plan.warmupSteps || performance.now() - start < plan.warmupSeconds * 1000; s++) await call(step);
}

/** One timed run: samples per second. */
export async function timedRun(step: Step, samplesPerStep: number, plan: ThroughputPlan): Promise<number> {
  const start = performance.now();
  let steps = 0;
  let elapsed = 0;
  while (steps < plan.minStepsPerRun || elapsed < plan.runSeconds * 1000) {
    await call(step);
    steps++;
    elapsed = performance.now() - start;
  }
  return (steps * samplesPerStep) / (elapsed / 1000);
}

export interface LatencyPlan {
  readonly warmup: number;
  readonly runs: number;
}

/** Milliseconds of each call; `call(i)` gets the call's index so it can cycle through inputs. */
export async function measureLatencies(fn: (i: number) => unknown, plan: LatencyPlan): Promise<number[]> {
  for (let i = 0; i < plan.warmup; i++) await call(() => fn(i));
  const times: number[] = new Array<number>(plan.runs);
  for (let i = 0; i < plan.runs; i++) {
    const start = performance.now();
    const r = fn(i);
    if (r instanceof Promise) await r;
    times[i] = performance.now() - start;
  }
  return times;
}
