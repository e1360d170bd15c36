import { useTranslation } from 'react-i18next';
import { actions, LANGUAGES, useStudio, type Language } from '../state/store.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';

export function LanguageSwitcher() {
  const { t } = useTranslation();
  const language = useStudio((s) => s.language);
  // Each language is named in itself, so a reader who cannot read the current one still finds theirs.
  const options = LANGUAGES.map((l: Language) => ({ value: l, label: t(`language.${l}`) }));
  return (
    <div className="header-field">
      <span className="header-field__label">{t('header.language')}</span>
      <SegmentedControl label={t('header.language')} options={options} value={language} onChange={actions.setLanguage} testId="language-switcher" />
    </div>
  );
}
