import { useTranslation } from 'react-i18next';
import { activateModel } from '../app/session.ts';
import { useStudio } from '../state/store.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';

/** One option per model on disk, named by its architecture (the bundled modern and classic models). */
export function ModelSwitcher() {
  const { t } = useTranslation();
  const models = useStudio((s) => s.models);
  const activeId = useStudio((s) => s.activeModelId);
  const switching = useStudio((s) => s.switchingModel);
  // The default (modern) first, then the 1998 model, then personal models in the order the core lists them.
  const rank = (m: (typeof models)[number]) => (m.bundled ? (m.arch === 'modern' ? 0 : 1) : 2);
  const options = [...models].sort((a, b) => rank(a) - rank(b)).map((m) => ({
    value: m.id,
    label: m.bundled ? t(m.arch === 'classic' ? 'model.classic' : 'model.modern') : m.title,
    tip: t(m.arch === 'classic' ? 'model.classicTip' : 'model.modernTip'),
  }));
  return (
    <div className="header-field">
      <span className="header-field__label" id="model-label">
        {t('header.model')}
      </span>
      <SegmentedControl label={t('header.model')} options={options} value={activeId} onChange={(id) => void activateModel(id)} disabled={switching} testId="model-switcher" />
    </div>
  );
}
