import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../state/store.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { withArticle, withNoun } from './english.ts';

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

/** Starts i18next with both languages bundled (nothing is fetched), synchronously. */
export function initI18n(language: Language): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  // English needs "an 8" and "1 sample"; the Chinese strings do not use these formats
  i18next.services.formatter?.add('article', (value) => withArticle(value));
  i18next.services.formatter?.add('noun', (value, _lng, options: { one?: string; other?: string }) => withNoun(value, options.one ?? '', options.other ?? options.one ?? ''));
  document.documentElement.lang = language;
  return i18next;
}

export function applyLanguage(language: Language): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
