import { useTranslation } from 'react-i18next';

// Building an Intl formatter costs far more than using one, and the layer views format thousands of
// numbers a second while the pen moves: keep one per locale and style.
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

const INTEGER: Intl.NumberFormatOptions = { maximumFractionDigits: 0 };
const VALUE: Intl.NumberFormatOptions = { maximumSignificantDigits: 3 };
const PERCENT: readonly Intl.NumberFormatOptions[] = [0, 1, 2].map((digits) => ({ style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** Number formatting in the interface language (digit grouping, percentages). */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return {
    integer: (n: number) => numberFormat(locale, INTEGER).format(n),
    percent: (p: number, digits: 0 | 1 | 2 = 0) => numberFormat(locale, PERCENT[digits]).format(p),
    /** Activations and weights: three significant digits; tiny values read as 0 rather than as 1.2e-7. */
    value: (v: number) => (Number.isFinite(v) ? numberFormat(locale, VALUE).format(Math.abs(v) < 5e-4 ? 0 : v) : String(v)),
    date: (iso: string) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : dateFormat(locale, { dateStyle: 'medium' }).format(d);
    },
    dateTime: (iso: string) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    },
  };
}

/** Seconds in words of the interface language ("42 s", "3:05 min"). */
export function useDuration() {
  const { t } = useTranslation();
  const format = useFormat();
  return (seconds: number) => {
    const s = Math.max(0, Math.round(seconds));
    return s < 60 ? t('time.seconds', { value: format.integer(s) }) : t('time.minutes', { minutes: format.integer(Math.floor(s / 60)), seconds: String(s % 60).padStart(2, '0') });
  };
}
