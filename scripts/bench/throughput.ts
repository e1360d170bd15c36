import { timedRun, warmUp, type Step, type ThroughputPlan } from './timing.ts';

/** A model ready to train, one batch per step. */
export interface Trainer {
  readonly params: number;
  readonly samplesPerStep: number;
  readonly step: Step;
  close(): Promise<void>;
}

export interface ThroughputEntry {
  readonly key: string;
  readonly label: string;
  readonly plan: ThroughputPlan;
  /** Builds the trainer; may throw (then only this entry fails). */
  readonly open: () => Promise<Trainer>;
}

export type ThroughputOutcome = { readonly rates: number[]; readonly params: number } | { readonly error: string };

/**
 * Measures several trainers in rounds: run 1 of each, then run 2 of each, and so on. On a machine whose
 * load changes while the benchmark runs (ours is shared), every trainer then sees much the same load, so
 * the ratios between them stay fair even when the absolute figures drift.
 */
export async function measureInterleaved(entries: readonly ThroughputEntry[], log: (line: string) => void): Promise<Map<string, ThroughputOutcome>> {
  const outcomes = new Map<string, ThroughputOutcome>();
  const live: { entry: ThroughputEntry; trainer: Trainer; rates: number[] }[] = [];
  try {
    for (const entry of entries) {
      try {
        log(`${entry.label}: building and warming up`);
        const trainer = await entry.open();
        live.push({ entry, trainer, rates: [] });
        await warmUp(trainer.step, entry.plan);
      } catch (err) {
        outcomes.set(entry.key, { error: message(err) });
        const i = live.findIndex((l) => l.entry === entry);
        if (i >= 0) await live.splice(i, 1)[0].trainer.close().catch(() => undefined);
      }
    }
    const rounds = Math.max(0, ...live.map((l) => l.entry.plan.runs));
    for (let r = 0; r < rounds; r++) {
      for (const l of [...live]) {
        if (r >= l.entry.plan.runs) continue;
        try {
          const rate = await timedRun(l.trainer.step, l.trainer.samplesPerStep, l.entry.plan);
          l.rates.push(rate);
          log(`round ${r + 1}/${rounds}, ${l.entry.label}: ${rate.toFixed(1)} samples/s`);
        } catch (err) {
          outcomes.set(l.entry.key, { error: message(err) });
          live.splice(live.indexOf(l), 1);
          await l.trainer.close().catch(() => undefined);
        }
      }
    }
    for (const l of live) outcomes.set(l.entry.key, { rates: l.rates, params: l.trainer.params });
  } finally {
    for (const l of live) await l.trainer.close().catch(() => undefined);
  }
  return outcomes;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
