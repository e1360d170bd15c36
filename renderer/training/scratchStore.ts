import { create } from 'zustand';
import type { z } from 'zod';
import type {
  ScratchEpochSchema, ScratchOptionsSchema, ScratchOutcomeSchema, ScratchProbeSchema, ScratchProgressSchema, ScratchStartedSchema, ScratchStatusSchema,
} from '../../main/api/train-schemas.ts';

export type ScratchOptions = z.output<typeof ScratchOptionsSchema>;
export type ScratchProgress = z.output<typeof ScratchProgressSchema>;
export type ScratchEpoch = z.output<typeof ScratchEpochSchema>;
export type ScratchOutcome = z.output<typeof ScratchOutcomeSchema>;
export type ScratchProbe = z.output<typeof ScratchProbeSchema>;
export type ScratchStarted = z.output<typeof ScratchStartedSchema>;
export type ScratchStatus = z.output<typeof ScratchStatusSchema>;

/** The curves as uPlot reads them: x in epochs, one array per series, null where a series has no value. */
export interface ScratchCurves {
  readonly x: readonly number[];
  readonly trainLoss: readonly (number | null)[];
  readonly trainAccuracy: readonly (number | null)[];
  readonly validationLoss: readonly (number | null)[];
  readonly validationAccuracy: readonly (number | null)[];
  readonly testAccuracy: readonly (number | null)[];
}

export interface ScratchView {
  readonly options: ScratchOptions | null;
  readonly started: ScratchStarted | null;
  readonly state: 'idle' | 'starting' | 'running' | 'paused' | 'stopping';
  readonly progress: ScratchProgress | null;
  readonly history: readonly ScratchEpoch[];
  readonly curves: ScratchCurves;
  readonly probe: ScratchProbe | null;
  readonly outcome: ScratchOutcome | null;
  readonly deciding: boolean;
  readonly error: string | null;
}

const NO_CURVES: ScratchCurves = { x: [], trainLoss: [], trainAccuracy: [], validationLoss: [], validationAccuracy: [], testAccuracy: [] };

export const useScratch = create<ScratchView>(() => ({
  options: null, started: null, state: 'idle', progress: null, history: [], curves: NO_CURVES, probe: null, outcome: null, deciding: false, error: null,
}));

type Row = { x: number; trainLoss?: number; trainAccuracy?: number; validationLoss?: number; validationAccuracy?: number; testAccuracy?: number };

/** Adds one row to the curves, in x order (uPlot draws them in order). */
function withRow(c: ScratchCurves, row: Row): ScratchCurves {
  const keys = ['trainLoss', 'trainAccuracy', 'validationLoss', 'validationAccuracy', 'testAccuracy'] as const;
  const n = c.x.length;
  // rows at the same x (an epoch's end: validation and test) are merged into one
  if (n > 0 && c.x[n - 1] === row.x) {
    const next = { ...c } as unknown as Record<string, (number | null)[]>;
    for (const k of keys) {
      if (row[k] === undefined) continue;
      next[k] = [...c[k]];
      next[k][n - 1] = row[k];
    }
    return next as unknown as ScratchCurves;
  }
  let at = n;
  while (at > 0 && c.x[at - 1] > row.x) at--;
  const insert = <T,>(a: readonly T[], v: T) => [...a.slice(0, at), v, ...a.slice(at)];
  const next: Record<string, unknown> = { x: insert(c.x, row.x) };
  for (const k of keys) next[k] = insert(c[k], row[k] ?? null);
  return next as unknown as ScratchCurves;
}

function curvesOf(progress: ScratchProgress, c: ScratchCurves): ScratchCurves {
  let next = c;
  if (progress.batch) next = withRow(next, { x: progress.batch.x, trainLoss: progress.batch.loss, trainAccuracy: progress.batch.accuracy });
  if (progress.validation) next = withRow(next, { x: progress.validation.x, validationLoss: progress.validation.loss, validationAccuracy: progress.validation.accuracy });
  return next;
}

export const scratchActions = {
  statusLoaded(status: ScratchStatus): void {
    useScratch.setState((s) => ({
      options: s.options ?? status.defaults,
      outcome: status.running ? null : status.last,
      ...(status.running && s.started?.jobId !== status.running.started.jobId
        ? {
            started: status.running.started, history: status.running.history, progress: status.running.progress,
            state: status.running.progress?.state ?? 'running',
            curves: status.running.history.reduce((c, e) => withRow(c, { x: e.epoch + 1, testAccuracy: e.testAccuracy, validationAccuracy: e.validationAccuracy, validationLoss: e.validationLoss }), NO_CURVES),
          }
        : {}),
      ...(!status.running && s.state !== 'starting' ? { state: 'idle' as const } : {}),
    }));
  },
  setOption<K extends keyof ScratchOptions>(key: K, value: ScratchOptions[K]): void {
    useScratch.setState((s) => (s.options ? { options: { ...s.options, [key]: value } } : {}));
  },
  starting(): void {
    useScratch.setState({ state: 'starting', error: null, outcome: null, progress: null, history: [], curves: NO_CURVES, probe: null, started: null });
  },
  started(started: ScratchStarted): void {
    useScratch.setState((s) => (s.state === 'starting' ? { started, state: 'running' } : { started }));
  },
  failed(message: string): void {
    useScratch.setState((s) => ({ error: message, state: s.state === 'starting' ? 'idle' : s.state, deciding: false }));
  },
  controlled(state: 'running' | 'paused' | 'stopping'): void {
    useScratch.setState((s) => (s.state === 'idle' ? {} : { state }));
  },
  progress(p: ScratchProgress): void {
    useScratch.setState((s) => {
      if (s.started && s.started.jobId !== p.jobId) return {};
      return { progress: p, curves: curvesOf(p, s.curves), state: s.state === 'stopping' ? 'stopping' : p.state };
    });
  },
  epoch(jobId: string, e: ScratchEpoch): void {
    useScratch.setState((s) => {
      if (s.started && s.started.jobId !== jobId) return {};
      return { history: [...s.history, e], curves: withRow(s.curves, { x: e.epoch + 1, testAccuracy: e.testAccuracy }) };
    });
  },
  probed(probe: ScratchProbe): void {
    useScratch.setState((s) => (s.started?.jobId === probe.jobId ? { probe } : {}));
  },
  finished(outcome: ScratchOutcome): void {
    useScratch.setState((s) => (s.started && s.started.jobId !== outcome.jobId ? {} : { outcome, state: 'idle', error: outcome.status === 'failed' ? outcome.message : null }));
  },
  deciding(on: boolean): void {
    useScratch.setState({ deciding: on });
  },
  decided(): void {
    useScratch.setState({ outcome: null, deciding: false });
  },
};
