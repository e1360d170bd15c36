import './DrawingToolbar.css';
import { useTranslation } from 'react-i18next';
import { actions, useStudio } from '../state/store.ts';
import { ClearIcon, EraserIcon, PenIcon, RedoIcon, UndoIcon } from '../ui/icons.tsx';

export function DrawingToolbar() {
  const { t } = useTranslation();
  const tool = useStudio((s) => s.tool);
  const canUndo = useStudio((s) => s.drawing.past.length > 0 || s.drawing.active !== null);
  const canRedo = useStudio((s) => s.drawing.future.length > 0);
  const canClear = useStudio((s) => s.drawing.strokes.length > 0);

  return (
    <div className="toolbar" role="toolbar" aria-label={t('draw.tools')}>
      <div className="toolbar__group">
        <button type="button" className="tool" aria-pressed={tool === 'pen'} title={t('draw.penTip')} aria-keyshortcuts="E" onClick={() => actions.setTool('pen')} data-testid="tool-pen">
          <PenIcon />
          <span>{t('draw.pen')}</span>
        </button>
        <button type="button" className="tool" aria-pressed={tool === 'eraser'} title={t('draw.eraserTip')} aria-keyshortcuts="E" onClick={() => actions.setTool('eraser')} data-testid="tool-eraser">
          <EraserIcon />
          <span>{t('draw.eraser')}</span>
        </button>
      </div>
      <div className="toolbar__group">
        <button type="button" className="tool tool--icon" title={t('draw.undoTip')} aria-label={t('draw.undo')} aria-keyshortcuts="Control+Z" disabled={!canUndo} onClick={actions.undo} data-testid="undo">
          <UndoIcon />
        </button>
        <button type="button" className="tool tool--icon" title={t('draw.redoTip')} aria-label={t('draw.redo')} aria-keyshortcuts="Control+Shift+Z Control+Y" disabled={!canRedo} onClick={actions.redo} data-testid="redo">
          <RedoIcon />
        </button>
        <button type="button" className="tool" title={t('draw.clearTip')} aria-keyshortcuts="Delete" disabled={!canClear} onClick={actions.clear} data-testid="clear">
          <ClearIcon />
          <span>{t('draw.clear')}</span>
        </button>
      </div>
    </div>
  );
}
