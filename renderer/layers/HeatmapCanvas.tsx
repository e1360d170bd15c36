import './HeatmapCanvas.css';
import { useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { paintPixels, type ScaleKind } from './colorScale.ts';

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
}

/**
 * One feature map drawn at its true resolution into a <canvas> and scaled up by CSS without smoothing,
 * so every unit is one crisp square.
 */
export function HeatmapCanvas(props: HeatmapProps) {
  const { values, offset, height, width, scale, limit, displaySize, label, className, onHoverUnit, onActivate } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);

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
    }
  };

  const longer = Math.max(width, height);
  return (
    <canvas
      ref={canvasRef}
      className={['heatmap', onActivate ? 'heatmap--button' : '', className ?? ''].join(' ').trim()}
      width={width}
      height={height}
      style={{ width: (displaySize * width) / longer, height: (displaySize * height) / longer }}
      role={onActivate ? 'button' : 'img'}
      tabIndex={onActivate ? 0 : undefined}
      aria-label={label}
      onPointerMove={onHoverUnit ? (e) => onHoverUnit(unitAt(e)) : undefined}
      onPointerLeave={onHoverUnit ? () => onHoverUnit(null) : undefined}
      onClick={onActivate}
      onKeyDown={onActivate ? onKeyDown : undefined}
    />
  );
}
