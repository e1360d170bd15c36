import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runElectronegativity } from '../../scripts/check-electronegativity.ts';

describe('Electronegativity', () => {
  it('finds nothing of high severity in the desktop shell', async () => {
    const findings = await runElectronegativity();
    const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
    expect(high.map((f) => `${f.check} ${f.file}:${f.location}`)).toEqual([]);
  });

  it('does flag an insecure window, so the count above means something', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'insecure-shell-'));
    try {
      await writeFile(join(dir, 'main.js'), [
        "const { BrowserWindow } = require('electron');",
        'const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });',
        "win.loadURL('http://example.com/');",
      ].join('\n'));
      const findings = await runElectronegativity(dir);
      const high = findings.filter((f) => f.severity === 'HIGH').map((f) => f.check);
      expect(high).toContain('CONTEXT_ISOLATION_JS_CHECK');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
