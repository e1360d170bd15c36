import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './LiveChart.css';
import { palette } from '../ui/palette.ts';
import { useElementWidth } from '../ui/useElementWidth.ts';

export interface ChartSeries {
  readonly label: string;
  readonly colour: string;
  /** Only points (per-epoch values), no line between sparse values. */
  readonly pointsOnly?: boolean;
}

interface Props {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** [x, ...one array per series], nulls where a series has no value. */
  readonly data: readonly (readonly (number | null)[])[];
  /** The x range: 0 to the number of epochs. */
  readonly xMax: number;
  readonly yRange?: readonly [number, number];
  readonly formatY: (v: number) => string;
  readonly xLabel: string;
  readonly testId?: string;
}

const HEIGHT = 150;
const AXIS_FONT = '11px system-ui, sans-serif';
/** The y axis's ticks and the gap beside its values (px). */
const Y_AXIS_CHROME = 18;

/** The y axis as wide as its longest value ("0.025" needs more room than "2"), at least 32 px. */
const yAxisSize: uPlot.Axis.Size = (self, values) => {
  self.ctx.font = AXIS_FONT;
  const widest = (values ?? []).reduce((a, v) => Math.max(a, self.ctx.measureText(v).width), 0);
  return Math.max(32, Math.ceil(widest + Y_AXIS_CHROME));
};

/**
 * A small live line chart (uPlot: canvas, fast enough to redraw at every progress report). The chart
 * is created once; new points only replace its data.
 */
export function LiveChart({ title, series, data, xMax, yRange, formatY, xLabel, testId }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const width = useElementWidth(boxRef, 260);
  const formatRef = useRef(formatY);
  formatRef.current = formatY;

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const options: uPlot.Options = {
      width: Math.max(160, width),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        // a little room past the last epoch, so its point is not cut in half by the edge
        x: { time: false, range: () => [0, Math.max(1, xMax) * 1.04] },
        y: yRange ? { range: () => [yRange[0], yRange[1]] } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        { stroke: palette.textMuted, grid: { stroke: palette.fill, width: 1 }, ticks: { stroke: palette.border, width: 1 }, size: 28, font: AXIS_FONT, label: xLabel, labelSize: 14, labelFont: AXIS_FONT, incrs: [1, 2, 5, 10, 20, 50] },
        { stroke: palette.textMuted, grid: { stroke: palette.fill, width: 1 }, ticks: { stroke: palette.border, width: 1 }, size: yAxisSize, font: AXIS_FONT, values: (_u, ticks) => ticks.map((v) => formatRef.current(v)) },
      ],
      series: [
        {},
        ...series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.colour,
          width: s.pointsOnly ? 0 : 1.8,
          spanGaps: !s.pointsOnly,
          points: s.pointsOnly ? { show: true, size: 7, fill: s.colour, stroke: s.colour } : { show: false },
        })),
      ],
    };
    const plot = new uPlot(options, data as unknown as uPlot.AlignedData, box);
    plotRef.current = plot;
    return () => {
      plot.destroy();
      plotRef.current = null;
    };
    // Recreated only when its structure changes; data and size are updated below.
  }, [series, xMax, yRange, xLabel]);

  useEffect(() => {
    plotRef.current?.setData(data as unknown as uPlot.AlignedData, true);
  }, [data]);

  useEffect(() => {
    plotRef.current?.setSize({ width: Math.max(160, width), height: HEIGHT });
  }, [width]);

  return (
    <figure className="chart" data-testid={testId} data-points={data[0]?.length ?? 0}>
      <figcaption className="chart__head">
        <span className="chart__title">{title}</span>
        <span className="chart__legend">
          {series.map((s) => (
            <span key={s.label} className="chart__key">
              <span className={s.pointsOnly ? 'chart__swatch chart__swatch--dot' : 'chart__swatch'} style={{ background: s.colour }} aria-hidden="true" />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div ref={boxRef} className="chart__plot" role="img" aria-label={title} />
    </figure>
  );
}
