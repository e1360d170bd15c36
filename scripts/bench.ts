import { availableParallelism, cpus, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MODEL_FILE } from '../main/model-folder/folder.ts';
import { loadBenchData, type BenchData } from './bench/data.ts';
import { openEngineTrainer } from './bench/engine-train.ts';
import { openConvnetjsTrainer } from './bench/convnetjs-train.ts';
import { openTfjsTrainer } from './bench/tfjs-train.ts';
import { measureInterleaved, type ThroughputEntry, type Trainer } from './bench/throughput.ts';
import { measureEngineForward, measureRuntimePredict } from './bench/latency.ts';
import { resolveModel } from './bench/model-source.ts';
import { EXTENSIONS, runExtension } from './bench/extensions.ts';
import { formatNumber, formatTable, ratio, type FigureRow } from './bench/report.ts';
import { pairedRatio, summarize, type Summary } from './bench/stats.ts';
import type { LatencyPlan, ThroughputPlan } from './bench/timing.ts';
import { TYPESCRIPT_KERNELS } from '../main/engine/index.ts';
import { loadEngineKernels } from '../main/wasm/load-kernels.ts';

/**
 * `npm run bench [-- --json] [--quick] [--full-epoch] [--model DIR]`: training throughput of our engine beside ConvNetJS
 * and tfjs's CPU backend on the same model and data, and one-image latencies of the engine and of ONNX
 * Runtime. Progress goes to stderr; the table (and with --json the JSON object, last) to stdout.
 */
const HELP = `usage: npm run bench [-- --json] [--quick] [--full-epoch] [--model DIR]

  --json        print one JSON object as the last line (figures as medians, plus spreads and machine info)
  --quick       a smoke run of about a minute instead of a few minutes
  --full-epoch  time trainEpochSec over all 60,000 MNIST training digits instead of estimating it from 12,800
  --model DIR   model folder for the latency figures (default native-models/modern; random weights if absent)`;

/** The modern LeNet-5's trainable parameters (LENET5.md); every trainer must build exactly this model. */
const EXPECTED_PARAMS = 61_706;

interface Plans {
  readonly engine: ThroughputPlan;
  readonly convnetjs: ThroughputPlan;
  /** tfjs's CPU backend needs seconds per batch: a fixed number of single-batch runs. */
  readonly tfjs: ThroughputPlan;
  readonly latency: LatencyPlan;
}

const PLANS: Readonly<Record<'full' | 'quick', Plans>> = {
  full: {
    engine: { warmupSeconds: 2, warmupSteps: 3, runs: 5, runSeconds: 3, minStepsPerRun: 1 },
    convnetjs: { warmupSeconds: 1, warmupSteps: 1, runs: 5, runSeconds: 3, minStepsPerRun: 1 },
    tfjs: { warmupSeconds: 0, warmupSteps: 1, runs: 5, runSeconds: 0, minStepsPerRun: 1 },
    latency: { warmup: 200, runs: 2000 },
  },
  quick: {
    engine: { warmupSeconds: 0.5, warmupSteps: 2, runs: 3, runSeconds: 1, minStepsPerRun: 1 },
    convnetjs: { warmupSeconds: 0, warmupSteps: 1, runs: 3, runSeconds: 1, minStepsPerRun: 1 },
    tfjs: { warmupSeconds: 0, warmupSteps: 1, runs: 2, runSeconds: 0, minStepsPerRun: 1 },
    latency: { warmup: 50, runs: 300 },
  },
};

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function describe(plan: ThroughputPlan): string {
  return plan.runSeconds > 0 ? `${plan.runs} runs of ${plan.runSeconds} s` : `${plan.runs} runs of ${plan.minStepsPerRun} batch(es)`;
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        'full-epoch': { type: 'boolean', default: false },
        model: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const plans = PLANS[args.quick ? 'quick' : 'full'];
  const workers = availableParallelism();
  const started = performance.now();
  const loadAtStart = loadavg()[0];

  const rows: FigureRow[] = [];
  const summaries = new Map<string, Summary>();
  /** Each trainer's runs in round order, for ratios paired by round. */
  const rounds = new Map<string, number[]>();
  const failures: string[] = [];
  const paramCounts: Record<string, number> = {};
  const extra: Record<string, unknown> = {};

  /** Runs one measurement; a failure is reported in its row and fails the run, but the others still run. */
  const figure = async (key: string, label: string, unit: string, spread: FigureRow['spread'], measure: () => Promise<number[]>) => {
    try {
      const summary = summarize(await measure());
      summaries.set(key, summary);
      rows.push({ key, label, unit, summary, spread });
      log(`${label}: ${formatNumber(summary.median)} ${unit}`);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      failures.push(`${key}: ${reason}`);
      rows.push({ key, label, unit, summary: null, spread, note: `failed: ${reason}` });
      log(`${label} failed: ${reason}`);
    }
  };

  const preferred = args.model === undefined ? fileURLToPath(new URL('../native-models/modern', import.meta.url)) : resolve(args.model);
  if (args.model !== undefined && !existsSync(join(preferred, MODEL_FILE))) {
    console.error(`bench: --model ${args.model}: no ${MODEL_FILE} in ${preferred}`);
    return 2;
  }
  // the engine runs on its WebAssembly SIMD kernels as the app does; the "(TypeScript kernels)" rows
  // measure the reference loops in the same run, for a before/after on the same machine load
  const kernels = await loadEngineKernels({ log });
  log(`engine kernels: ${kernels.kernels} (${kernels.detail})`);
  extra.engineKernels = kernels.kernels;
  log('loading MNIST');
  const data: BenchData = await loadBenchData();
  const model = await resolveModel(preferred);
  log(`latency model: ${model.description}`);
  try {
    const { latency } = plans;
    log(`engine forward, ${latency.runs} runs after ${latency.warmup} warm-up`);
    await figure('engineForwardMs', `engine forward, 1 image, all maps (${kernels.kernels} kernels)`, 'ms', 'quartiles', () => measureEngineForward(data, model.dir, latency));
    await figure('engineForwardMsTypescript', 'engine forward, 1 image, all maps (TypeScript kernels)', 'ms', 'quartiles', () => measureEngineForward(data, model.dir, latency, TYPESCRIPT_KERNELS));
    log(`runtime predict, ${latency.runs} runs after ${latency.warmup} warm-up`);
    await figure('runtimePredictMs', 'ONNX Runtime predict, 1 image, all maps (p50)', 'ms', 'quartiles', () => measureRuntimePredict(data, model.dir, latency));

    const checked = (who: string, open: () => Promise<Trainer>) => async (): Promise<Trainer> => {
      const trainer = await open();
      paramCounts[who] = trainer.params;
      if (trainer.params !== EXPECTED_PARAMS) {
        await trainer.close();
        throw new Error(`${who} built ${trainer.params} parameters, not the ${EXPECTED_PARAMS} of the modern LeNet-5`);
      }
      return trainer;
    };
    const entries: ThroughputEntry[] = [
      { key: 'engineTrainSamplesPerSec', label: 'engine training, 1 worker', plan: plans.engine, open: checked('engine', () => openEngineTrainer(data, 1)) },
      { key: 'engineTrainSamplesPerSecAllWorkers', label: `engine training, ${workers} workers`, plan: plans.engine, open: checked('engine', () => openEngineTrainer(data, workers)) },
      {
        key: 'engineTrainSamplesPerSecAllWorkersTypescript', label: `engine training, ${workers} workers (TypeScript kernels)`, plan: plans.engine,
        open: checked('engine', () => openEngineTrainer(data, workers, 'typescript')),
      },
      { key: 'convnetjsTrainSamplesPerSec', label: 'ConvNetJS training (adadelta)', plan: plans.convnetjs, open: checked('convnetjs', () => openConvnetjsTrainer(data)) },
      {
        key: 'tfjsCpuTrainSamplesPerSec', label: 'tfjs CPU backend training (Adam)', plan: plans.tfjs,
        open: checked('tfjs', async () => {
          const t = await openTfjsTrainer(data);
          extra.tfjs = { version: t.version, backend: t.backend };
          return t;
        }),
      },
    ];
    log(`training throughput, batch 64, in interleaved rounds: engine ${describe(plans.engine)}, ConvNetJS ${describe(plans.convnetjs)}, tfjs ${describe(plans.tfjs)}`);
    const outcomes = await measureInterleaved(entries, log);
    for (const e of entries) {
      await figure(e.key, e.label, 'samples/s', 'range', async () => {
        const o = outcomes.get(e.key);
        if (!o) throw new Error('not measured');
        if ('error' in o) throw new Error(o.error);
        rounds.set(e.key, o.rates);
        return o.rates;
      });
    }

    for (const ext of EXTENSIONS) {
      log(`running ${ext.module}`);
      const outcome = await runExtension(ext, { quick: args.quick, fullEpoch: args['full-epoch'], modelDir: model.dir, log });
      for (const f of ext.figures) {
        if (outcome.status === 'ok') {
          const v = outcome.values[f.key];
          rows.push({ key: f.key, label: f.label, unit: f.unit, summary: summarize([v]), spread: 'none' });
        } else {
          rows.push({ key: f.key, label: f.label, unit: f.unit, summary: null, spread: 'none', note: `skipped: ${outcome.reason}` });
        }
      }
      if (outcome.status === 'ok') Object.assign(extra, outcome.values);
      else log(`skipped ${ext.module}: ${outcome.reason}`);
    }
  } finally {
    await model.dispose();
  }

  const s = (key: string) => summaries.get(key) ?? null;
  const ratios = {
    engineAllWorkersVsConvnetjs: ratio(s('engineTrainSamplesPerSecAllWorkers'), s('convnetjsTrainSamplesPerSec')),
    engineAllWorkersVsTfjsCpu: ratio(s('engineTrainSamplesPerSecAllWorkers'), s('tfjsCpuTrainSamplesPerSec')),
    engineOneWorkerVsConvnetjs: ratio(s('engineTrainSamplesPerSec'), s('convnetjsTrainSamplesPerSec')),
    engineOneWorkerVsTfjsCpu: ratio(s('engineTrainSamplesPerSec'), s('tfjsCpuTrainSamplesPerSec')),
    engineWorkerScaling: ratio(s('engineTrainSamplesPerSecAllWorkers'), s('engineTrainSamplesPerSec')),
    engineSimdVsTypescriptKernels: ratio(s('engineTrainSamplesPerSecAllWorkers'), s('engineTrainSamplesPerSecAllWorkersTypescript')),
    engineTypescriptKernelsVsConvnetjs: ratio(s('engineTrainSamplesPerSecAllWorkersTypescript'), s('convnetjsTrainSamplesPerSec')),
  };
  const paired = (a: string, b: string) => {
    const ra = rounds.get(a), rb = rounds.get(b);
    return ra && rb ? pairedRatio(ra, rb) : null;
  };
  const pairedRatios = {
    engineAllWorkersVsConvnetjs: paired('engineTrainSamplesPerSecAllWorkers', 'convnetjsTrainSamplesPerSec'),
    engineAllWorkersVsTfjsCpu: paired('engineTrainSamplesPerSecAllWorkers', 'tfjsCpuTrainSamplesPerSec'),
    engineWorkerScaling: paired('engineTrainSamplesPerSecAllWorkers', 'engineTrainSamplesPerSec'),
    engineSimdVsTypescriptKernels: paired('engineTrainSamplesPerSecAllWorkers', 'engineTrainSamplesPerSecAllWorkersTypescript'),
    engineTypescriptKernelsVsConvnetjs: paired('engineTrainSamplesPerSecAllWorkersTypescript', 'convnetjsTrainSamplesPerSec'),
  };
  const cpu = cpus()[0]?.model ?? 'unknown';
  const seconds = (performance.now() - started) / 1000;

  console.log(`\nLeNet Studio benchmark${args.quick ? ' (--quick)' : ''}: ${cpu}, ${workers} cores, Node ${process.version}, batch 64, modern LeNet-5`);
  console.log(`parameters built: ${Object.entries(paramCounts).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || 'none'} (expected ${EXPECTED_PARAMS.toLocaleString('en-US')})`);
  console.log(`latency model: ${model.description}`);
  console.log(`load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${loadavg()[0].toFixed(2)}: a loaded machine lowers every figure\n`);
  console.log(formatTable(rows));
  const x = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(1)}x`);
  console.log(`\nengine (${workers} workers) / ConvNetJS: ${x(ratios.engineAllWorkersVsConvnetjs)}   engine (${workers} workers) / tfjs CPU: ${x(ratios.engineAllWorkersVsTfjsCpu)}`);
  console.log(`engine (1 worker) / ConvNetJS: ${x(ratios.engineOneWorkerVsConvnetjs)}   engine (1 worker) / tfjs CPU: ${x(ratios.engineOneWorkerVsTfjsCpu)}   ${workers} workers / 1 worker: ${x(ratios.engineWorkerScaling)}`);
  console.log(`SIMD kernels / TypeScript kernels (${workers} workers, paired by round): ${x(pairedRatios.engineSimdVsTypescriptKernels)}; the TypeScript kernels / ConvNetJS: ${x(pairedRatios.engineTypescriptKernelsVsConvnetjs)}`);
  console.log(`same ratios paired by round (median of per-round ratios, steadier on a busy machine): ${x(pairedRatios.engineAllWorkersVsConvnetjs)} vs ConvNetJS, ${x(pairedRatios.engineAllWorkersVsTfjsCpu)} vs tfjs CPU, ${x(pairedRatios.engineWorkerScaling)} worker scaling`);
  console.log(`total ${seconds.toFixed(0)} s`);
  for (const f of failures) console.log(`FAILED ${f}`);

  if (args.json) {
    const median = (key: string) => s(key)?.median ?? null;
    const spreads = Object.fromEntries([...summaries].map(([k, v]) => [k, v]));
    const skipped = Object.fromEntries(rows.filter((r) => r.note?.startsWith('skipped')).map((r) => [r.key, r.note!.slice('skipped: '.length)]));
    const out = {
      engineTrainSamplesPerSec: median('engineTrainSamplesPerSec'),
      engineTrainSamplesPerSecAllWorkers: median('engineTrainSamplesPerSecAllWorkers'),
      convnetjsTrainSamplesPerSec: median('convnetjsTrainSamplesPerSec'),
      tfjsCpuTrainSamplesPerSec: median('tfjsCpuTrainSamplesPerSec'),
      engineForwardMs: median('engineForwardMs'),
      engineForwardMsTypescript: median('engineForwardMsTypescript'),
      engineTrainSamplesPerSecAllWorkersTypescript: median('engineTrainSamplesPerSecAllWorkersTypescript'),
      runtimePredictP50Ms: median('runtimePredictMs'),
      runtimePredictP95Ms: s('runtimePredictMs')?.p95 ?? null,
      ...extra,
      ratios,
      pairedRatios,
      spreads,
      skipped,
      failed: failures,
      paramCounts,
      batchSize: 64,
      workers,
      quick: args.quick,
      latencyModel: { dir: model.dir, trained: model.trained },
      machine: { cpu, cores: cpus().length, availableParallelism: workers, node: process.version, platform: process.platform, arch: process.arch, loadAverage1mAtStart: loadAtStart, loadAverage1mAtEnd: loadavg()[0] },
      seconds,
    };
    console.log(JSON.stringify(out));
  }
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
