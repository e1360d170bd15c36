/**
 * `npm run eval -- <subcommand> [options]`: evaluations that go through the same runtime the app uses.
 * Each subcommand is its own module under scripts/eval/ exporting `run(args): Promise<number>` (the exit code).
 */
interface Subcommand {
  readonly summary: string;
  readonly load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  mnist: { summary: 'accuracy and confusion matrix on the 10k MNIST test set', load: () => import('./eval/mnist.ts') },
  ink: { summary: 'accuracy on labelled pen inks (JSON Lines) through the ink pipeline and the runtime', load: () => import('./eval/ink.ts') },
  nondigit: { summary: 'not-a-digit verdict on digits and letters/symbols: flaggedDigits, flaggedNonDigits, per file and kind', load: () => import('./eval/nondigit.ts') },
  personalize: { summary: 'per-writer fine-tuning on K samples per digit: before/after on their other digits and on MNIST', load: () => import('./eval/personalize.ts') },
};

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${name.padEnd(12)} ${s.summary}`);
  return ['usage: npm run eval -- <subcommand> [options]', '', 'subcommands:', ...lines, '', 'npm run eval -- <subcommand> --help for its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    console.error(`eval: unknown subcommand ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  return (await sub.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`eval: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
