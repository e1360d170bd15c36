import type {
  ImportReport, LayerChoice, PersonalInsight, SampleConfusion, SampleList, TrainingEpoch, TrainingOutcome, TrainingProgress, TrainingStatus,
} from '../transport/index.ts';
import { ApiError } from '../transport/index.ts';
import { initialTraining, type CurvePoint, type PersonalState, type SamplesMode, type SideView, type Toast, type TrainingView } from './personalState.ts';
import { remember, useStudio, VIEW_KEY } from './store.ts';
import { errorText } from '../i18n/errorText.ts';
import { curvePoint, epochPoint, withPoint } from '../training/curves.ts';

/**
 * The named actions of the samples, fine-tuning and versions views: each takes the state to the next
 * one. The calls to the core that lead to them are in renderer/app/personalSession.ts.
 */
const get = () => useStudio.getState().personal;
const patch = (next: Partial<PersonalState>) => useStudio.setState({ personal: { ...get(), ...next } });
const patchTraining = (next: Partial<TrainingView>) => patch({ training: { ...get().training, ...next } });

let toastSeq = 0;

export const personalActions = {
  // ---- the column's views
  setView(view: SideView): void {
    remember(VIEW_KEY, view);
    patch({ view });
  },

  // ---- samples
  countsChanged(counts: readonly number[], total: number): void {
    const p = get();
    const same = p.counts !== null && p.total === total && p.counts.every((c, i) => c === counts[i]);
    patch({ counts, total, listStale: p.listStale || !same, confusionStale: p.confusionStale || !same, insightStale: p.insightStale || !same });
  },
  samplesListed(list: SampleList): void {
    const ids = new Set(list.samples.map((s) => s.id));
    const p = get();
    // a list of one digit does not say anything about the other digits' selection
    const selection = p.filter === null ? p.selection.filter((id) => ids.has(id)) : p.selection;
    patch({ list, counts: list.counts, total: list.total, listStale: false, listError: null, selection });
  },
  samplesFailed(message: string): void {
    patch({ listError: message, listStale: false });
  },
  markSamplesStale(): void {
    patch({ listStale: true, confusionStale: true, insightStale: true });
  },
  setFilter(filter: number | null): void {
    if (filter === get().filter) return;
    patch({ filter, selection: [], listStale: true });
  },
  setMode(mode: SamplesMode): void {
    patch({ mode, selection: [] });
  },
  toggleSelected(id: string): void {
    const selection = get().selection;
    patch({ selection: selection.includes(id) ? selection.filter((x) => x !== id) : [...selection, id] });
  },
  clearSelection(): void {
    if (get().selection.length > 0) patch({ selection: [] });
  },
  confusionLoaded(confusion: SampleConfusion): void {
    const cell = get().cell;
    // keep the chosen cell open while it still holds drawings
    const keep = cell && confusion.matrix[cell[0]][cell[1]] > 0 ? cell : null;
    patch({ confusion, confusionStale: false, cell: keep });
  },
  selectCell(cell: readonly [number, number] | null): void {
    patch({ cell });
  },
  setTransfer(transfer: PersonalState['transfer']): void {
    patch({ transfer });
  },
  imported(report: ImportReport | null): void {
    patch({ importReport: report });
  },

  // ---- what to write next, and the guided round
  insightLoaded(insight: PersonalInsight): void {
    patch({ insight, insightStale: false });
  },
  markInsightStale(): void {
    if (!get().insightStale) patch({ insightStale: true });
  },
  guidedStart(digits: readonly number[]): void {
    if (digits.length > 0) patch({ guided: { digits, index: 0, saved: 0, skipped: 0 } });
  },
  /** A sample was saved: it answers the round's request when it has the digit asked for. */
  guidedSaved(label: number): void {
    const g = get().guided;
    if (g && g.index < g.digits.length && g.digits[g.index] === label) patch({ guided: { ...g, index: g.index + 1, saved: g.saved + 1 } });
  },
  guidedSkip(): void {
    const g = get().guided;
    if (g && g.index < g.digits.length) patch({ guided: { ...g, index: g.index + 1, skipped: g.skipped + 1 } });
  },
  /** Stop before the end: what was saved stays saved, the round shows its summary. */
  guidedStop(): void {
    const g = get().guided;
    if (g) patch({ guided: { ...g, skipped: g.skipped + g.digits.length - g.index, index: g.digits.length } });
  },
  guidedClose(): void {
    patch({ guided: null });
  },

  // ---- toasts
  showToast(toast: Omit<Toast, 'id'>): number {
    const id = ++toastSeq;
    patch({ toast: { ...toast, id } });
    return id;
  },
  dismissToast(id?: number): void {
    const toast = get().toast;
    if (toast && (id === undefined || toast.id === id)) patch({ toast: null });
  },

  // ---- fine-tuning
  setTrainLayers(trainLayers: LayerChoice): void {
    patch({ trainLayers });
  },
  setTrainEpochs(trainEpochs: number | null): void {
    patch({ trainEpochs });
  },
  /** The core's view of fine-tuning: picks up a job that runs (e.g. after a reload) and a result waiting for a decision. */
  trainingStatusLoaded(status: TrainingStatus): void {
    const t = get().training;
    const running = status.running;
    if (running && t.jobId !== running.jobId) {
      const points: CurvePoint[] = running.history.map(epochPoint);
      patchTraining({ status, jobId: running.jobId, baseModelId: running.baseModelId, epochs: running.epochs, running: true, starting: false, progress: running.progress, points, outcome: null, error: null });
      return;
    }
    if (!running && t.running && status.last?.jobId === t.jobId) {
      patchTraining({ status, running: false, cancelling: false, outcome: status.last });
      return;
    }
    patchTraining({ status, outcome: t.outcome ?? (running ? null : status.last) });
  },
  trainingStarting(): void {
    patchTraining({ starting: true, error: null, outcome: null });
  },
  trainingStarted(jobId: string, baseModelId: string, epochs: number): void {
    const t = get().training;
    // events of this job may have arrived before the answer to start: keep them
    const points = t.jobId === jobId ? t.points : [];
    const progress = t.jobId === jobId ? t.progress : null;
    patchTraining({ jobId, baseModelId, epochs, starting: false, running: true, cancelling: false, progress, points, outcome: null, error: null });
  },
  trainingFailedToStart(message: string): void {
    patchTraining({ starting: false, error: message });
  },
  trainingProgress(jobId: string, progress: TrainingProgress): void {
    const t = get().training;
    if (t.jobId !== null && t.jobId !== jobId) return;
    const point = curvePoint(progress);
    patchTraining({ jobId, running: true, progress, epochs: progress.epochs, points: point ? withPoint(t.points, point) : t.points });
  },
  trainingEpoch(jobId: string, epoch: TrainingEpoch): void {
    const t = get().training;
    if (t.jobId !== null && t.jobId !== jobId) return;
    patchTraining({ jobId, points: withPoint(t.points, epochPoint(epoch)) });
  },
  trainingCancelling(): void {
    patchTraining({ cancelling: true });
  },
  trainingFinished(outcome: TrainingOutcome): void {
    const t = get().training;
    if (t.jobId !== null && t.jobId !== outcome.jobId) return;
    patchTraining({ jobId: outcome.jobId, running: false, starting: false, cancelling: false, outcome, error: outcome.status === 'failed' ? errorText(new ApiError('internal', outcome.message, outcome.reason)) : null });
  },
  deciding(deciding: boolean): void {
    patchTraining({ deciding });
  },
  /** The person decided about the result (activate, keep, discard): the panel is ready for the next run. */
  resultSettled(): void {
    const t = get().training;
    patchTraining({ ...initialTraining, status: t.status ? { ...t.status, last: null } : null });
  },
  trainingError(message: string | null): void {
    patchTraining({ error: message });
  },

  // ---- versions
  dismissNotice(): void {
    patch({ noticeDismissed: true });
  },
  versionBusy(id: string | null, error: string | null = null): void {
    patch({ versionBusy: id, versionError: error });
  },
};
