import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonMessage, reasonOf } from '../../../main/api/error-codes.ts';
import { reasonsText } from '../../../renderer/i18n/reasonText.ts';
import { en } from '../../../renderer/i18n/en.ts';
import { zhCN } from '../../../renderer/i18n/zh-CN.ts';

const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } };

beforeAll(async () => {
  await i18next.init({ resources, lng: 'en', fallbackLng: 'en', initAsync: false, interpolation: { escapeValue: false } });
});

const lost = reasonOf('fallback.cannotLoad', { id: 'modern-personal-3', fallback: 'modern', detail: 'model.onnx does not match its digest' });
const alsoDamaged = reasonOf('fallback.bundledDamaged', { ids: 'classic', detail: 'weights.json is cut short' });
const english = [lost, alsoDamaged].map(reasonMessage).join(' ');

describe('texts of the reasons the core sends', () => {
  it('the model notice in Chinese: each reason translated, no English fault and no model id left', async () => {
    await i18next.changeLanguage('zh-CN');
    const text = reasonsText([lost, alsoDamaged], english);
    expect(text).toBe('它的文件缺失或已损坏，或者没有通过核对。 另一个随应用提供的模型也无法加载。');
    expect(text).not.toMatch(/[A-Za-z]/);
  });

  it('the model notice in English keeps the fault in brackets, and an untranslated reason falls back to the core’s words', async () => {
    await i18next.changeLanguage('en');
    expect(reasonsText([lost], reasonMessage(lost))).toBe('Its files are missing or damaged, or it failed its check. (model.onnx does not match its digest)');
    expect(reasonsText([{ code: 'fallback.fromTheFuture', params: {} }], 'the core’s words')).toBe('the core’s words');
    expect(reasonsText([], 'no reasons')).toBe('no reasons');
  });

  it('a failed fine-tune in Chinese, from its reason', async () => {
    await i18next.changeLanguage('zh-CN');
    const reason = reasonOf('training.failed', { detail: 'Cannot read properties of undefined' });
    expect(reasonsText([reason], reasonMessage(reason))).toBe('微调因出错而停止，没有保存任何内容。');
    await i18next.changeLanguage('en');
  });
});
