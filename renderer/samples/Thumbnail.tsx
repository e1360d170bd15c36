import './Thumbnail.css';
import { memo, useEffect, useRef } from 'react';
import type { Thumbnail as ThumbnailImage } from '../transport/index.ts';

const PAPER = [255, 255, 255];
const INK = [22, 28, 40];

/** The 28x28 image the core made of a sample's ink (one byte per pixel, 255 = ink), drawn as ink on paper. */
export const Thumbnail = memo(function Thumbnail({ image, size }: { image: ThumbnailImage; size: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    const pixels = context.createImageData(image.width, image.height);
    for (let i = 0; i < image.width * image.height; i++) {
      const f = (image.data[i] ?? 0) / 255;
      for (let c = 0; c < 3; c++) pixels.data[i * 4 + c] = PAPER[c] + (INK[c] - PAPER[c]) * f;
      pixels.data[i * 4 + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
  }, [image]);
  return <canvas ref={canvasRef} className="thumb__image" width={image.width} height={image.height} style={{ width: size, height: size }} aria-hidden="true" />;
});
