import './GrayImage.css';
import { useEffect, useRef } from 'react';
import type { Image } from '../transport/index.ts';
import type { PixelRect } from '../layers/receptiveField.ts';

/**
 * An image from the core drawn as ink on paper: the value range [lo, hi] maps from white to near-black.
 * The range always includes [0, 1] so a faint digit is not stretched to look bold, and the classic input
 * (-0.1 paper, 1.175 ink) comes out the same as the modern one.
 */
function displayRange(data: Float32Array): [number, number] {
  let lo = 0;
  let hi = 1;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const PAPER = [255, 255, 255];
const INK = [22, 28, 40];

export function GrayImage({ image, displaySize, label, outline, testId }: { image: Image; displaySize: number; label: string; outline?: PixelRect | null; testId?: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const [lo, hi] = displayRange(image.data);
    const pixels = context.createImageData(image.width, image.height);
    image.data.forEach((v, i) => {
      const f = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
      for (let c = 0; c < 3; c++) pixels.data[i * 4 + c] = PAPER[c] + (INK[c] - PAPER[c]) * f;
      pixels.data[i * 4 + 3] = 255;
    });
    context.putImageData(pixels, 0, 0);
  }, [image]);

  const unit = displaySize / Math.max(image.width, image.height);
  return (
    <div className="gray-image" style={{ width: image.width * unit, height: image.height * unit }}>
      <canvas ref={canvasRef} width={image.width} height={image.height} {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })} data-testid={testId} style={{ width: image.width * unit, height: image.height * unit }} />
      {outline && (
        <div
          className="gray-image__field"
          aria-hidden="true"
          style={{
            left: outline.left * unit,
            top: outline.top * unit,
            width: (outline.right - outline.left + 1) * unit,
            height: (outline.bottom - outline.top + 1) * unit,
          }}
        />
      )}
    </div>
  );
}
