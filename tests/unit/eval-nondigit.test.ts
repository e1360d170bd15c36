import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DATA = join(ROOT, '../shared/data');

it('eval nondigit --json ends with one object with the figures, skipping look-alikes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-nondigit-'));
  const take = (file: string, n: number) => readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, n).join('\n');
  writeFileSync(join(dir, 'd.jsonl'), take(join(DATA, 'unipen-dev/uqb.jsonl'), 20));
  writeFileSync(join(dir, 'n.jsonl'), take(join(DATA, 'unipen-nondigit-dev/uqb.jsonl'), 60));
  const out = execFileSync('npx', ['tsx', 'scripts/eval.ts', 'nondigit', '--digits', join(dir, 'd.jsonl'), '--nondigits', join(dir, 'n.jsonl'), '--json'], { cwd: ROOT, encoding: 'utf8' });
  const last = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
  for (const key of ['flaggedDigits', 'flaggedNonDigits', 'acceptedDigitAccuracy', 'perFile', 'perKind', 'digits', 'nonDigits', 'lookAlikesLeftOut']) expect(last).toHaveProperty(key);
  expect(last.digits).toBe(20);
  expect((last.nonDigits as number) + (last.lookAlikesLeftOut as number)).toBe(60);
  expect(Object.keys(last.perKind as object)).toContain('digit');
}, 120_000);
