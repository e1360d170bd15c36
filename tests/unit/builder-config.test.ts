import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const require = createRequire(join(root, 'package.json'));

async function config(): Promise<Record<string, unknown>> {
  return load(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

/** electron-builder's own schema for its configuration, as installed. */
async function validator() {
  const schema = JSON.parse(await readFile(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's schema", async () => {
    const validate = await validator();
    const ok = validate(await config());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('and the schema check bites: a misspelt key or a wrong type is refused', async () => {
    const validate = await validator();
    expect(validate({ ...(await config()), asarUnpak: ['x'] })).toBe(false);
    expect(validate({ ...(await config()), electronFuses: { runAsNode: 'no' } })).toBe(false);
  });

  it('packages for Linux, Windows and macOS with the fuses set and the native runtime unpacked', async () => {
    const c = await config() as {
      linux: { target: string[] }; win: { target: string[] }; mac: { target: string[] };
      electronFuses: Record<string, boolean>; asarUnpack: string[]; extraResources: { from: string; to: string }[];
      extraMetadata: { main: string };
    };
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.electronFuses).toMatchObject({ runAsNode: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
    expect(c.asarUnpack).toContain('node_modules/onnxruntime-node/bin/**');
    expect(c.extraResources).toContainEqual(expect.objectContaining({ from: 'native-models', to: 'native-models' }));
    expect(c.extraMetadata.main).toBe('dist/main/main.cjs'); // what scripts/build-main.ts writes
  });
});
