import '../ui/dialog.css';
import './AboutDialog.css';
import { useTranslation } from 'react-i18next';
import { actions, useStudio } from '../state/store.ts';
import { CloseIcon } from '../ui/icons.tsx';
import { useModalDialog } from '../ui/useModalDialog.ts';

export function AboutDialog() {
  const { t } = useTranslation();
  const open = useStudio((s) => s.aboutOpen);
  const dialogRef = useModalDialog(open);
  const appInfo = useStudio((s) => s.appInfo);

  const shortcuts: [string, string][] = [
    ['Ctrl+Z', t('about.shortcutUndo')],
    ['Ctrl+Shift+Z · Ctrl+Y', t('about.shortcutRedo')],
    ['Delete', t('about.shortcutClear')],
    ['E', t('about.shortcutTool')],
    ['S', t('about.shortcutSteps')],
    ['P', t('about.shortcutPresent')],
    ['M', t('about.shortcutModel')],
    ['0–9', t('about.shortcutSave')],
    ['Delete · 0–9', t('about.shortcutSampleKeys')],
  ];

  return (
    <dialog ref={dialogRef} className="dialog about" aria-labelledby="about-title" onClose={() => actions.setAboutOpen(false)} data-testid="about">
      {open && (
        <>
          <header className="dialog__header">
            <h2 id="about-title">{t('about.title')}</h2>
            <button type="button" className="tool tool--icon" aria-label={t('about.close')} title={t('about.close')} onClick={() => actions.setAboutOpen(false)} autoFocus>
              <CloseIcon />
            </button>
          </header>
          <p>{t('about.body')}</p>
          {appInfo && (
            <p className="muted small">
              {t('about.version', { version: appInfo.version })} · {appInfo.transport === 'electron' ? t('about.transportElectron') : t('about.transportWeb')}
            </p>
          )}
          <h3>{t('about.confidenceTitle')}</h3>
          <p data-testid="about-confidence">{t('about.confidenceBody')}</p>
          <h3>{t('about.shortcuts')}</h3>
          <dl className="shortcuts">
            {shortcuts.map(([keys, what]) => (
              <div key={keys} className="shortcuts__row">
                <dt>
                  {keys.split(' · ').map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
          <p className="muted small">{t('about.credits')}</p>
        </>
      )}
    </dialog>
  );
}
