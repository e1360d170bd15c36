import './ToastRegion.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';
import { CloseIcon } from '../ui/icons.tsx';
import { undo } from './personalSession.ts';

/** How long a toast stays: long enough to reach its Undo button. An error stays until it is dismissed. */
const TOAST_MS = 8_000;

/** One message at a time at the bottom of the window, announced politely, with Undo when it can be taken back. */
export function ToastRegion() {
  const { t } = useTranslation();
  const toast = useStudio((s) => s.personal.toast);

  useEffect(() => {
    if (!toast || toast.tone === 'error') return;
    const timer = window.setTimeout(() => personalActions.dismissToast(toast.id), TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);

  return (
    <div className="toast-region" role="status" aria-live="polite">
      {/* an error is read out at once and waits for the person to dismiss it */}
      {toast && (
        <div className={`toast toast--${toast.tone}`} data-testid="toast" key={toast.id}>
          <span className="toast__message">{toast.message}</span>
          {toast.undo && (
            <button type="button" className="toast__action" onClick={() => void undo(toast.undo!, toast.id)} data-testid="toast-undo">
              {t('toast.undo')}
            </button>
          )}
          <button type="button" className="toast__close" aria-label={t('toast.close')} title={t('toast.close')} onClick={() => personalActions.dismissToast(toast.id)}>
            <CloseIcon size={16} />
          </button>
        </div>
      )}
    </div>
  );
}
