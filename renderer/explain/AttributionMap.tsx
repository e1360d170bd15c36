import './AttributionMap.css';
import type { Image } from '../transport/index.ts';
import { ColorLegend } from '../layers/ColorLegend.tsx';
import { largestMagnitude } from '../layers/colorScale.ts';
import { HeatmapCanvas } from '../layers/HeatmapCanvas.tsx';
import { GrayImage } from '../sees/GrayImage.tsx';

/**
 * A signed 28x28 attribution from the core laid over the image the network read: red raises the
 * explained score, blue lowers it, white is no effect (the diverging scale, multiplied onto the ink).
 */
export function AttributionMap({ map, input, title, caption, label, size, testId }: { map: Image; input: Image; title: string; caption: string; label: string; size: number; testId: string }) {
  const limit = largestMagnitude(map.data, 0, map.data.length);
  return (
    <figure className="attribution-map" data-testid={testId} data-limit={limit}>
      <figcaption className="attribution-map__title">{title}</figcaption>
      <div className="attribution-map__stack" style={{ width: size, height: size }}>
        {/* the drawing under the heatmap, which carries the name */}
        <GrayImage image={input} displaySize={size} label="" />
        <HeatmapCanvas values={map.data} offset={0} height={map.height} width={map.width} scale="diverging" limit={limit} displaySize={size} label={label} className="attribution-map__heat" />
      </div>
      <ColorLegend kind="diverging" limit={limit} perMap={false} />
      <p className="muted small attribution-map__caption">{caption}</p>
    </figure>
  );
}
