import { failure, type ModelList, type Responses } from '../api/contract.ts';
import type { CoreEvent, LenetCore } from '../api/core-port.ts';
import { ScratchOptionsSchema } from '../api/train-schemas.ts';
import { ScratchService, type ScratchEvent } from '../training/scratch-service.ts';
import type { LabelledSample } from '../training/personal-data.ts';
import type { ModelVersions } from '../versions/versions.ts';
import type { InkPipeline } from './ink-pipeline.ts';
import { scratchSpec } from '../training/scratch-train.ts';

type ScratchMethods = Pick<LenetCore, 'startScratchTraining' | 'controlScratchTraining' | 'scratchTrainingStatus' | 'probeScratchTraining' | 'finishScratchTraining'>;
type Status = Responses['scratchTrainingStatus'];

export interface ScratchHost {
  readonly versions: ModelVersions;
  readonly mnistDir: string;
  readonly pipeline: InkPipeline;
  samples(): readonly LabelledSample[];
  image28(sample: LabelledSample): Float32Array;
  emit(event: CoreEvent): void;
  /** The fine-tune under way, if any (one training of any kind at a time). */
  fineTuneJob(): string | null;
  listing(): Promise<ModelList>;
  activate(id: string): Promise<ModelList>;
  remove(id: string): Promise<ModelList>;
}

/**
 * Training from scratch, served to the handler table: the service's events forwarded (and the latest
 * kept, so a page that reloads picks the training up), the controls, probes of the drawing, and the
 * decision about the model it made.
 */
export function createScratch(host: ScratchHost): { methods: ScratchMethods; service: ScratchService; close(): Promise<void> } {
  let running: NonNullable<Status['running']> | null = null;
  let last: Status['last'] = null;
  const service = new ScratchService({
    versions: host.versions,
    mnistDir: host.mnistDir,
    samples: host.samples,
    image28: host.image28,
    emit: (event) => void forward(event),
  });

  async function forward(event: ScratchEvent): Promise<void> {
    if (event.name === 'scratchProgress') {
      if (running?.started.jobId === event.payload.jobId) running.progress = event.payload;
      host.emit({ name: 'scratchProgress', payload: event.payload });
    } else if (event.name === 'scratchEpoch') {
      if (running?.started.jobId === event.payload.jobId) running.history.push(event.payload.epoch);
      host.emit({ name: 'scratchEpoch', payload: event.payload });
    } else {
      if (running?.started.jobId === event.payload.jobId) running = null;
      last = event.payload;
      host.emit({ name: 'scratchFinished', payload: event.payload });
      if (event.payload.status === 'done') host.emit({ name: 'modelChanged', payload: await host.listing() });
    }
  }

  const methods: ScratchMethods = {
    async startScratchTraining({ options }) {
      const started = await service.start(options ?? {}, host.fineTuneJob());
      running = { started, progress: null, history: [] };
      last = null;
      return started;
    },
    async controlScratchTraining({ jobId, action }) {
      return { jobId, state: await service.control(jobId, action) };
    },
    async scratchTrainingStatus() {
      return { running: running ? { ...running, history: [...running.history] } : null, last, defaults: ScratchOptionsSchema.parse({}) };
    },
    async probeScratchTraining({ jobId, image }) {
      const started = service.started;
      if (!started || started.jobId !== jobId) throw failure('scratch.notRunning', { job: jobId });
      const input = host.pipeline.toNetworkInput(image.data, scratchSpec(started.options.arch));
      const answer = await service.probe(jobId, input);
      if (!answer) throw failure('scratch.notRunning', { job: jobId });
      let top = 0;
      answer.probabilities.forEach((p, d) => {
        if (p > answer.probabilities[top]) top = d;
      });
      return { jobId, done: answer.done, probabilities: answer.probabilities.map((p) => Math.min(1, Math.max(0, p))), top, activations: answer.activations };
    },
    async finishScratchTraining({ jobId, decision }) {
      if (!last || last.jobId !== jobId) throw failure('scratch.noDecision', { job: jobId });
      const outcome = last;
      let list: ModelList;
      if (outcome.status !== 'done' || decision === 'keep') list = await host.listing();
      else if (decision === 'activate') list = await host.activate(outcome.result.modelId);
      else list = await host.remove(outcome.result.modelId);
      if (last === outcome) last = null;
      return list;
    },
  };
  return { methods, service, close: () => service.close() };
}
