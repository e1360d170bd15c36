import type { en } from './en.ts';

// Typed keys: t('a.missing.key') does not compile.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    /** The English grammar formats of english.ts take a number, or one already formatted. */
    interpolationFormatTypeMap: { article: number | string; noun: number | string };
  }
}
