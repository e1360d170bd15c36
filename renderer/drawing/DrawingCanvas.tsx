import './DrawingCanvas.css';
import { memo, useEffect, useMemo, useRef } from 'react';
import { Layer, Path, Stage } from 'react-konva';
import { useTranslation } from 'react-i18next';
import { saveSample } from '../app/personalSession.ts';
import { useStudio } from '../state/store.ts';
import { INK_FIELD_SIZE } from './coords.ts';
import type { Stroke } from './ink.ts';
import { attachPointerInput } from './pointerInput.ts';
import { strokeOutlinePath } from './strokeOutline.ts';
import { palette } from '../ui/palette.ts';
import { useElementWidth } from '../ui/useElementWidth.ts';

/** The drawing field's element id: the skip links move focus to it. */
export const DRAWING_FIELD_ID = 'drawing-field';

const INK_COLOUR = palette.text;

const StrokeShape = memo(function StrokeShape({ stroke, complete }: { stroke: Stroke; complete: boolean }) {
  const data = useMemo(() => strokeOutlinePath(stroke, complete), [stroke, complete]);
  return <Path data={data} fill={INK_COLOUR} listening={false} perfectDrawEnabled={false} />;
});

/** The square drawing field: Konva draws the strokes; pointer input goes straight to the store. */
export function DrawingCanvas() {
  const { t } = useTranslation();
  const fieldRef = useRef<HTMLDivElement>(null);
  const size = useElementWidth(fieldRef, 320); // the field is square
  const strokes = useStudio((s) => s.drawing.strokes);
  const active = useStudio((s) => s.drawing.active);
  const tool = useStudio((s) => s.tool);

  useEffect(() => {
    const field = fieldRef.current;
    return field ? attachPointerInput(field) : undefined;
  }, []);

  const scale = size / INK_FIELD_SIZE;
  const empty = strokes.length === 0 && !active;
  return (
    <div
      ref={fieldRef}
      id={DRAWING_FIELD_ID}
      className={`drawing-field drawing-field--${tool}`}
      role="img"
      tabIndex={0}
      aria-label={t('draw.fieldLabel', { count: strokes.length })}
      aria-keyshortcuts="0 1 2 3 4 5 6 7 8 9"
      onKeyDown={(e) => {
        // During a guided round, Enter saves the drawing as the digit asked for.
        const guided = useStudio.getState().personal.guided;
        if (e.key === 'Enter' && guided && guided.index < guided.digits.length) {
          e.preventDefault();
          void saveSample(guided.digits[guided.index]);
          return;
        }
        // With the field focused, a digit key saves the drawing as a sample of that digit.
        if (e.ctrlKey || e.metaKey || e.altKey || !/^[0-9]$/.test(e.key)) return;
        e.preventDefault();
        void saveSample(Number(e.key));
      }}
      data-testid="drawing-field"
      data-strokes={strokes.length}
    >
      <div className="drawing-field__guides" aria-hidden="true" />
      {empty && (
        <div className="drawing-field__placeholder" aria-hidden="true">
          {t('draw.placeholder')}
        </div>
      )}
      <Stage width={size} height={size} listening={false} className="drawing-field__stage">
        <Layer scaleX={scale} scaleY={scale} listening={false}>
          {strokes.map((stroke) => (
            <StrokeShape key={stroke.id} stroke={stroke} complete />
          ))}
          {active && <StrokeShape stroke={active} complete={false} />}
        </Layer>
      </Stage>
    </div>
  );
}
