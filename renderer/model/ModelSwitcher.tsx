import { useTranslation } from 'react-i18next';
import { activateModel } from '../app/session.ts';
import { useStudio } from '../state/store.ts';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';

/**
 * The bundled models by architecture (modern first, the 1998 model second) and, while one is active, the
 * person's own model. Every personal version is listed, and can be activated, in the Models view.
 */
export function ModelSwitcher() {
  const { t } = useTranslation();
  const models = useStudio((s) => s.models);
  const activeId = useStudio((s) => s.activeModelId);
  const switching = useStudio((s) => s.switchingModel);
  const rank = (m: (typeof models)[number]) => (m.arch === 'modern' ? 0 : 1);
  const shown = [...models.filter((m) => m.bundled)].sort((a, b) => rank(a) - rank(b));
  const active = models.find((m) => m.id === activeId);
  if (active && !active.bundled) shown.push(active);
  const options = shown.map((m) => ({
    value: m.id,
    label: m.bundled ? t(m.arch === 'classic' ? 'model.classic' : 'model.modern') : t('model.personal'),
    tip: m.bundled ? t(m.arch === 'classic' ? 'model.classicTip' : 'model.modernTip') : t('model.personalTip', { id: m.id }),
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
