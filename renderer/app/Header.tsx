import './Header.css';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../model/LanguageSwitcher.tsx';
import { ModelSwitcher } from '../model/ModelSwitcher.tsx';
import { actions, useStudio } from '../state/store.ts';
import { InfoIcon, LogoMark, PresentIcon } from '../ui/icons.tsx';

export function Header() {
  const { t } = useTranslation();
  const presenting = useStudio((s) => s.presenting);
  return (
    <header className="app-header">
      <div className="brand">
        <LogoMark />
        <div>
          <h1 className="brand__name">{t('app.title')}</h1>
          <p className="brand__tagline">{t('app.tagline')}</p>
        </div>
      </div>
      <div className="app-header__controls">
        <ModelSwitcher />
        <LanguageSwitcher />
        <button type="button" className="tool" aria-pressed={presenting} title={t('header.presentTip')} aria-keyshortcuts="P" onClick={actions.togglePresenting} data-testid="presentation-toggle">
          <PresentIcon />
          <span>{t('header.present')}</span>
        </button>
        <button type="button" className="tool" title={t('header.aboutTip')} onClick={() => actions.setAboutOpen(true)} data-testid="about-button">
          <InfoIcon />
          <span>{t('header.about')}</span>
        </button>
      </div>
    </header>
  );
}
