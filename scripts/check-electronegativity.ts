import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs Electronegativity over the desktop shell and fails on any HIGH severity finding. The tool exits 0
 * whatever it finds, so its CSV report is read and counted here. Lower severities are printed for review.
 */
const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

export interface Finding {
  readonly check: string;
  readonly severity: string;
  readonly confidence: string;
  readonly file: string;
  readonly location: string;
  readonly description: string;
}

/** Parses the tool's CSV (quoted fields, commas inside quotes). */
export function parseReport(csv: string): Finding[] {
  const rows = csv.split('\n').filter((l) => l.trim().length > 0).slice(1);
  return rows.map((line) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"' && quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = !quoted;
      } else if (ch === ',' && !quoted) {
        cells.push(cell.trim());
        cell = '';
      } else {
        cell += ch;
      }
    }
    cells.push(cell.trim());
    const [check, severity, confidence, file, location, , description] = cells;
    return { check, severity, confidence, file, location, description: description ?? '' };
  });
}

export async function runElectronegativity(input = join(root, 'main/electron')): Promise<Finding[]> {
  const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist/index.js');
  const electronVersion = (JSON.parse(await readFile(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
  const dir = await mkdtemp(join(tmpdir(), 'electronegativity-'));
  try {
    const report = join(dir, 'report.csv');
    await promisify(execFile)(process.execPath, ['--require', join(root, 'scripts/electronegativity-offline.cjs'), cli, '-i', input, '-o', report, '-r', '-v', 'false', '-e', electronVersion], { cwd: root, timeout: 120_000 });
    return parseReport(await readFile(report, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  const findings = await runElectronegativity();
  for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.check} ${f.file}:${f.location} ${f.description}`);
  const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
  console.log(`Electronegativity: ${findings.length} finding(s), ${high.length} of high severity`);
  if (high.length > 0) process.exit(1);
}
