import { describe, expect, it } from 'vitest';
import { ERROR_REASONS, paramsOf, reasonMessage, SKIP_REASONS, type AnyReasonCode } from '../../main/api/error-codes.ts';
import { ApiError, failure } from '../../main/api/contract.ts';
import { createHandlers, dispatch, toErrorResult } from '../../main/api/handlers.ts';
import { CHANNELS } from '../../main/api/channels.ts';
import { ResultSchema } from '../../main/api/schemas.ts';
import { toApiError } from '../../renderer/transport/bridge.ts';
import { en } from '../../renderer/i18n/en.ts';
import { zhCN } from '../../renderer/i18n/zh-CN.ts';
import type { LenetCore } from '../../main/api/core-port.ts';

const codes = [...Object.keys(ERROR_REASONS), ...Object.keys(SKIP_REASONS)] as AnyReasonCode[];
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function at(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), tree);
}

describe('error codes', () => {
  it('every code of the table has an English and a Chinese text that use only its parameters, the same ones in both', () => {
    expect(codes.length).toBeGreaterThan(40);
    for (const code of codes) {
      const english = at(en, `errors.${code}`);
      const chinese = at(zhCN, `errors.${code}`);
      expect(typeof english, `errors.${code} in en.ts`).toBe('string');
      expect(typeof chinese, `errors.${code} in zh-CN.ts`).toBe('string');
      const allowed = new Set(paramsOf(code));
      for (const name of placeholders(english as string)) expect(allowed.has(name), `${code}: {{${name}}} is not one of its parameters`).toBe(true);
      expect(placeholders(chinese as string), code).toEqual(placeholders(english as string));
    }
  });

  it("the table's English log message names every parameter it takes", () => {
    for (const code of codes) {
      const { en: template, params } = ({ ...ERROR_REASONS, ...SKIP_REASONS } as Record<string, { en: string; params: readonly string[] }>)[code];
      expect(new Set(placeholders(template)), code).toEqual(new Set(params.filter((p) => template.includes(`{{${p}}}`))));
      // a parameter the log message leaves out would be lost from the record: only `detail`-free messages may
      for (const p of params) expect(template.includes(`{{${p}}}`) || p === 'field', `${code} drops ${p}`).toBe(true);
    }
  });

  it('failure() gives the kind, the English message and the reason; the wire carries all three', () => {
    const err = failure('import.notZipOrText', { file: 'corrupt.zip' });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('bad-request');
    expect(err.message).toBe('corrupt.zip: neither a zip nor UTF-8 text');
    expect(err.reason).toEqual({ code: 'import.notZipOrText', params: { file: 'corrupt.zip' } });
    const result = toErrorResult('importSamples', err);
    expect(ResultSchema.parse(result)).toEqual({ ok: false, error: { code: 'bad-request', message: err.message, reason: err.reason } });
    expect(failure('model.activeRemove', { id: 'x' }).code).toBe('bad-request');
    expect(failure('samples.undoGone', { token: 't' }).code).toBe('not-found');
    expect(failure('import.tooLarge', { file: 'f', bytes: 9, max: 8 }).code).toBe('too-large');
    expect(reasonMessage({ code: 'training.tooFewSamples', params: { min: 10, n: 3 } })).toBe('fine-tuning needs at least 10 samples; there are 3');
  });

  it('an invalid request, a core that throws and an unknown channel come back with a reason too', async () => {
    const core = new Proxy({}, { get: () => async () => { throw new Error('boom'); } }) as unknown as LenetCore;
    const table = createHandlers(core);
    const invalid = await dispatch(table, CHANNELS.modelInfo, { id: '../etc' });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.reason?.code).toBe('request.invalid');
      expect(invalid.error.reason?.params.method).toBe('modelInfo');
      expect(String(invalid.error.reason?.params.detail)).toMatch(/^id: /);
    }
    const thrown = await dispatch(table, CHANNELS.listModels, {});
    expect(!thrown.ok && thrown.error).toMatchObject({ code: 'internal', message: 'listModels failed: boom', reason: { code: 'request.failed', params: { method: 'listModels', detail: 'boom' } } });
    const unknown = await dispatch(table, 'lenet:nope', {});
    expect(!unknown.ok && unknown.error.reason).toEqual({ code: 'request.unknownChannel', params: { channel: '"lenet:nope"' } });
  });

  it('the reason survives the Electron bridge, where only an error message crosses (the preload writes [code|reason] message)', () => {
    const reason = { code: 'import.zipUnreadable', params: { file: 'a] b.zip', detail: 'invalid zip data' } } as const;
    // as main/electron/preload.ts builds it, behind Electron's own prefix
    const crossed = new Error(`Error invoking remote method 'lenet:import-samples': Error: [bad-request|${encodeURIComponent(JSON.stringify(reason))}] a] b.zip: not a readable zip (invalid zip data)`);
    const back = toApiError(crossed);
    expect(back.code).toBe('bad-request');
    expect(back.reason).toEqual(reason);
    expect(back.message).toBe('a] b.zip: not a readable zip (invalid zip data)');
    // without a reason, as before
    expect(toApiError(new Error('[not-found] no model called x'))).toMatchObject({ code: 'not-found', message: 'no model called x', reason: undefined });
    // a damaged reason is dropped, the code and message stay
    expect(toApiError(new Error('[not-found|%7Bnope] gone'))).toMatchObject({ code: 'not-found', message: 'gone', reason: undefined });
  });
});
