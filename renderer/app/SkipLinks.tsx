import './SkipLinks.css';
import { useTranslation } from 'react-i18next';
import { DRAWING_FIELD_ID } from '../drawing/DrawingCanvas.tsx';
import { LAYERS_LIST_ID } from '../layers/LayersPanel.tsx';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';

/** Moves focus to an element by id once it is on the page (a view switched to it may render it a frame later). */
export function focusById(id: string): void {
  const attempt = (left: number) => {
    const element = document.getElementById(id);
    if (element) element.focus();
    else if (left > 0) requestAnimationFrame(() => attempt(left - 1));
  };
  attempt(10);
}

/**
 * The first stops of the tab order, shown only when focused: straight to the drawing field, or past
 * the header, the drawing and the prediction panels to the layer viewers (switching to them first).
 */
export function SkipLinks() {
  const { t } = useTranslation();
  return (
    <nav className="skip-links" aria-label={t('skip.label')}>
      <a
        className="skip-link"
        href={`#${DRAWING_FIELD_ID}`}
        onClick={(e) => {
          e.preventDefault();
          focusById(DRAWING_FIELD_ID);
        }}
        data-testid="skip-to-drawing"
      >
        {t('skip.drawing')}
      </a>
      <a
        className="skip-link"
        href={`#${LAYERS_LIST_ID}`}
        onClick={(e) => {
          e.preventDefault();
          if (useStudio.getState().personal.view !== 'layers') personalActions.setView('layers');
          focusById(LAYERS_LIST_ID);
        }}
        data-testid="skip-to-layers"
      >
        {t('skip.layers')}
      </a>
    </nav>
  );
}
