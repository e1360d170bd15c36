import { resolve } from 'node:path';
import { judgeNonDigit, NON_DIGIT_SIGNALS, type NonDigitSignal, type ScoreSignal } from '../../main/nondigit/index.ts';
import { DEFAULT_MODEL, loadModel, parseCommand, takeLists, trainingWriters } from './common.ts';
import { readJudgedInks, runPass } from './nondigit-data.ts';

const HELP = `usage: npm run eval -- nondigit --digits DIGITS.jsonl... --nondigits NONDIGITS.jsonl... [--model DIR] [--held-out | --held-out-of DIR] [--exclude-writers W,W] [--signal S] [--json]

Runs every ink through the app's own path (the ink pipeline, one ONNX Runtime pass) and the app's own
not-a-digit verdict (judgeNonDigit, the function predict calls), leaving out the look-alike characters
of ../shared/data/README.md, and prints the share of digits called not-a-digit (flaggedDigits), the
share of counted non-digits called not-a-digit (flaggedNonDigits), both per file and per kind
(uppercase, lowercase, symbol), and the accuracy on the digits that were accepted.

  --model DIR   model folder; default native-models/modern
  --held-out    only writers the model did not train on (its card lists the writers it used)
  --held-out-of DIR  only writers the model in DIR did not train on (for a personal model: its base)
  --exclude-writers W,W  leave these writers out too (a personal model's own writer)
  --signal S    reject-head (the app's, default), or a baseline with its threshold from reject.json:
                max-softmax, energy, rbf-distance (classic only), degenerate-ink (the stroke checks alone);
                every signal runs after the degenerate-ink checks
                several, comma-separated, are measured on the one pass, one report each
  --json        also print one JSON object as the last line (one per signal, after its report)`;

interface Tally { n: number; flagged: number }
const share = (t: Tally) => (t.n ? t.flagged / t.n : 0);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export async function run(args: string[]): Promise<number> {
  const { lists, rest } = takeLists(args, ['digits', 'nondigits']);
  const parsed = parseCommand('nondigit', HELP, {
    args: rest, allowPositionals: false, strict: true,
    options: {
      model: { type: 'string' }, json: { type: 'boolean', default: false }, signal: { type: 'string', default: 'reject-head' },
      'held-out': { type: 'boolean', default: false }, 'held-out-of': { type: 'string' }, 'exclude-writers': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if ('exit' in parsed) return parsed.exit;
  const options = parsed.values;
  if (lists.digits.length === 0 && lists.nondigits.length === 0) {
    console.error(`eval nondigit: name --digits and/or --nondigits files\n\n${HELP}`);
    return 2;
  }
  const signals = options.signal.split(',').filter(Boolean) as NonDigitSignal[];
  if (signals.length === 0 || !signals.every((sg) => NON_DIGIT_SIGNALS.includes(sg))) {
    console.error(`eval nondigit: --signal must be one or more (comma-separated) of ${NON_DIGIT_SIGNALS.join(', ')}`);
    return 2;
  }
  const modelDir = options.model === undefined ? DEFAULT_MODEL : resolve(options.model);
  const runtime = await loadModel('nondigit', modelDir);
  if (!runtime) return 1;
  try {
    if (!runtime.reject && signals.some((sg) => sg !== 'degenerate-ink')) {
      console.error(`eval nondigit: ${modelDir} has no reject head (reject.json); only --signal degenerate-ink can run`);
      return 1;
    }
    const exclude = options['held-out'] ? trainingWriters(runtime.info.card) : new Set<string>();
    if (options['held-out-of'] !== undefined) {
      const other = await loadModel('nondigit', resolve(options['held-out-of']));
      if (!other) return 1;
      for (const w of trainingWriters(other.info.card)) exclude.add(w);
      await other.release();
    }
    for (const w of options['exclude-writers']?.split(',').filter(Boolean) ?? []) exclude.add(w);
    let read: Awaited<ReturnType<typeof readJudgedInks>>;
    try {
      read = await readJudgedInks(lists.digits, lists.nondigits, (line) => console.error(`eval nondigit: ${line}`));
    } catch (err) {
      console.error(`eval nondigit: ${(err as Error).message}`);
      return 1;
    }
    const inks = read.inks.filter((s) => !exclude.has(s.writer));
    const started = performance.now();
    const pass = await runPass(runtime, inks);
    const passSec = (performance.now() - started) / 1000;
    const rt = runtime, rd = read;
    // one report per signal, all from the one pass
    const report = (signal: NonDigitSignal): void => {
      const head = signal === 'degenerate-ink' ? null : rt.reject;
      const digits: Tally = { n: 0, flagged: 0 }, nonDigits: Tally = { n: 0, flagged: 0 };
      const perFile = new Map<string, Tally>(), perKind = new Map<string, Tally>(), bySignal = new Map<string, number>();
      let accepted = 0, acceptedCorrect = 0, correct = 0;
      inks.forEach((s, i) => {
        const p = pass[i];
        const verdict = judgeNonDigit({ ink: s.ink, empty: p.empty, spec: rt.spec, layers: p.layers, scores: p.scores }, head, (signal === 'degenerate-ink' ? 'reject-head' : signal) as ScoreSignal);
        const flagged = verdict.flagged;
        if (flagged) bySignal.set(`${s.kind === 'digit' ? 'digits' : 'nonDigits'}/${verdict.signal}/${verdict.reason}`, (bySignal.get(`${s.kind === 'digit' ? 'digits' : 'nonDigits'}/${verdict.signal}/${verdict.reason}`) ?? 0) + 1);
        const total = s.digit === null ? nonDigits : digits;
        total.n++;
        if (flagged) total.flagged++;
        for (const [map, key] of [[perFile, s.file], [perKind, s.kind]] as const) {
          const t = map.get(key) ?? { n: 0, flagged: 0 };
          t.n++;
          if (flagged) t.flagged++;
          map.set(key, t);
        }
        if (s.digit !== null) {
          if (p.top === s.digit) correct++;
          if (!flagged) {
            accepted++;
            if (p.top === s.digit) acceptedCorrect++;
          }
        }
      });
      const seconds = passSec;
      const flaggedDigits = share(digits), flaggedNonDigits = share(nonDigits);
      const acceptedDigitAccuracy = accepted ? acceptedCorrect / accepted : 0;
      console.log(`model ${modelDir} (${rt.info.arch}), signal ${signal}${exclude.size > 0 ? `, held-out writers only (${exclude.size} writers excluded)` : ''}`);
      console.log(`${digits.n} digits, ${nonDigits.n} non-digits counted (${rd.lookAlikes} look-alikes left out), ${seconds.toFixed(1)} s`);
      console.log(`flaggedDigits:    ${pct(flaggedDigits)} (${digits.flagged}/${digits.n})`);
      console.log(`flaggedNonDigits: ${pct(flaggedNonDigits)} (${nonDigits.flagged}/${nonDigits.n})`);
      console.log(`acceptedDigitAccuracy: ${pct(acceptedDigitAccuracy)} (${acceptedCorrect}/${accepted}); all digits ${pct(digits.n ? correct / digits.n : 0)}`);
      console.log('per file (share called not-a-digit):');
      for (const [k, t] of [...perFile].sort()) console.log(`  ${k.padEnd(22)} ${pct(share(t)).padStart(8)}  (${t.flagged}/${t.n})`);
      console.log('per kind:');
      for (const [k, t] of [...perKind].sort()) console.log(`  ${k.padEnd(22)} ${pct(share(t)).padStart(8)}  (${t.flagged}/${t.n})`);
      console.log('flagged by signal/reason:');
      for (const [k, v] of [...bySignal].sort()) console.log(`  ${k.padEnd(40)} ${v}`);
      if (options.json) {
        const obj = (m: Map<string, Tally>) => Object.fromEntries([...m].map(([k, t]) => [k, { ...t, share: share(t) }]));
        console.log(JSON.stringify({
          model: modelDir, arch: rt.info.arch, signal, heldOutOnly: exclude.size > 0, excludedWriters: exclude.size,
          digits: digits.n, nonDigits: nonDigits.n, lookAlikesLeftOut: rd.lookAlikes,
          flaggedDigits, flaggedNonDigits, acceptedDigitAccuracy, digitAccuracy: digits.n ? correct / digits.n : 0,
          perFile: obj(perFile), perKind: obj(perKind), bySignal: Object.fromEntries(bySignal), seconds,
        }));
      }
    };
    for (const signal of signals) report(signal);
    return 0;
  } finally {
    await runtime.release();
  }
}
