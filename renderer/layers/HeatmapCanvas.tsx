import './HeatmapCanvas.css';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { paintPixels, type ScaleKind } from './colorScale.ts';
import { moveCursor } from './unitCursor.ts';

export interface HeatmapProps {
  /** All of the layer's values; this map is `height * width` of them starting at `offset`. */
  readonly values: ArrayLike<number>;
  readonly offset: number;
  readonly height: number;
  readonly width: number;
  readonly scale: ScaleKind;
  /** The magnitude that maps to the ends of the scale. */
  readonly limit: number;
  /** Shown size in CSS pixels (the longer side). */
  readonly displaySize: number;
  readonly label: string;
  readonly className?: string;
  readonly onHoverUnit?: (unit: { row: number; col: number; value: number } | null) => void;
  /** Makes the map a button: Enter, Space or a click call it. */
  readonly onActivate?: () => void;
  /** How many units there are (a vector wrapped into rows has fewer than height x width): the keyboard cursor stays on them. */
  readonly units?: number;
}

/**
 * One feature map drawn at its true resolution into a <canvas> and scaled up by CSS without smoothing,
 * so every unit is one crisp square.
 */
export function HeatmapCanvas(props: HeatmapProps) {
  const { values, offset, height, width, scale, limit, displaySize, label, className, onHoverUnit, onActivate } = props;
  const units = props.units ?? height * width;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The unit a keyboard user inspects with the arrow keys (the pointer's unit goes straight to onHoverUnit).
  const [cursor, setCursor] = useState<{ row: number; col: number } | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const image = context.createImageData(width, height);
    paintPixels(image.data, values, offset, width * height, scale, limit);
    context.putImageData(image, 0, 0);
  }, [values, offset, height, width, scale, limit]);

  const unitAt = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const col = Math.min(width - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * width)));
    const row = Math.min(height - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * height)));
    return { row, col, value: values[offset + row * width + col] };
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (onActivate && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      onActivate();
      return;
    }
    if (!onHoverUnit || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape' && cursor) {
      event.preventDefault();
      setCursor(null);
      onHoverUnit(null);
      return;
    }
    const next = moveCursor(event.key, cursor, height, width, units);
    if (!next) return;
    event.preventDefault();
    setCursor(next);
    onHoverUnit({ ...next, value: values[offset + next.row * width + next.col] });
  };

  const onBlur = () => {
    if (!cursor) return;
    setCursor(null);
    onHoverUnit?.(null);
  };

  const longer = Math.max(width, height);
  const shownWidth = (displaySize * width) / longer;
  const shownHeight = (displaySize * height) / longer;
  const canvas = (
    <canvas
      ref={canvasRef}
      className={['heatmap', onActivate ? 'heatmap--button' : '', className ?? ''].join(' ').trim()}
      width={width}
      height={height}
      style={{ width: shownWidth, height: shownHeight }}
      role={onActivate ? 'button' : 'img'}
      // A map that reports its units can be focused to inspect them with the arrow keys.
      tabIndex={onActivate || onHoverUnit ? 0 : undefined}
      aria-label={label}
      onPointerMove={onHoverUnit ? (e) => onHoverUnit(unitAt(e)) : undefined}
      onPointerLeave={onHoverUnit ? () => onHoverUnit(null) : undefined}
      onClick={onActivate}
      onKeyDown={onActivate || onHoverUnit ? onKeyDown : undefined}
      onBlur={onHoverUnit ? onBlur : undefined}
      data-cursor={cursor ? `${cursor.row},${cursor.col}` : undefined}
    />
  );
  if (!onHoverUnit) return canvas;
  // The keyboard cursor: a frame over the inspected unit, drawn above the canvas.
  return (
    <span className="heatmap-frame" style={{ width: shownWidth, height: shownHeight }}>
      {canvas}
      {cursor && (
        <span
          className="heatmap__cursor"
          aria-hidden="true"
          style={{ left: (cursor.col / width) * shownWidth, top: (cursor.row / height) * shownHeight, width: shownWidth / width, height: shownHeight / height }}
        />
      )}
    </span>
  );
}
