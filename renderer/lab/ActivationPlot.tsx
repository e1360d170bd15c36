import './ActivationPlot.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';

interface Props {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly dy: Float32Array;
  /** The hovered unit's pre-activation and its f and f' (the core's numbers). */
  readonly point: { readonly z: number; readonly value: number; readonly derivative: number | null } | null;
  readonly name: string;
  /** No activation: the plot is the line f(z) = z and the legend says so. */
  readonly identity?: boolean;
}

const W = 280;
const H = 150;
const PAD = 18;

/** The activation's curve and its derivative as the core sampled them, with the hovered unit's point on both. */
export function ActivationPlot({ x, y, dy, point, name, identity = false }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = x.length;
  if (n < 2) return null;
  const x0 = x[0], x1 = x[n - 1];
  let lo = 0, hi = 1;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, y[i], dy[i]);
    hi = Math.max(hi, y[i], dy[i]);
  }
  const sx = (v: number) => PAD + ((v - x0) / (x1 - x0)) * (W - 2 * PAD);
  const sy = (v: number) => H - PAD - ((v - lo) / (hi - lo || 1)) * (H - 2 * PAD);
  const path = (values: Float32Array) => Array.from(values, (v, i) => `${i === 0 ? 'M' : 'L'}${sx(x[i]).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
  const inRange = point && point.z >= x0 && point.z <= x1;
  return (
    <figure className="act-plot">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={identity ? t('lab.act.identityLabel') : t('lab.act.plotLabel', { name })} data-testid="activation-plot">
        <line className="act-plot__axis" x1={PAD} x2={W - PAD} y1={sy(0)} y2={sy(0)} />
        <line className="act-plot__axis" x1={sx(0)} x2={sx(0)} y1={PAD} y2={H - PAD} />
        <path className="act-plot__dy" d={path(dy)} />
        <path className="act-plot__y" d={path(y)} />
        {inRange && (
          <>
            <line className="act-plot__guide" x1={sx(point.z)} x2={sx(point.z)} y1={PAD} y2={H - PAD} />
            <circle className="act-plot__point" cx={sx(point.z)} cy={sy(point.value)} r={4} />
            {point.derivative !== null && <circle className="act-plot__point act-plot__point--dy" cx={sx(point.z)} cy={sy(point.derivative)} r={3.5} />}
          </>
        )}
        <text className="act-plot__tick" x={PAD} y={H - 4}>{format.value(x0)}</text>
        <text className="act-plot__tick" x={W - PAD} y={H - 4} textAnchor="end">{format.value(x1)}</text>
        <text className="act-plot__tick" x={sx(0) + 3} y={PAD - 6}>{format.value(hi)}</text>
      </svg>
      <figcaption className="act-plot__legend small">
        <span className="act-plot__key act-plot__key--y" data-testid="activation-curve-key">{identity ? t('lab.act.identityCurve') : t('lab.act.curve', { name })}</span>
        <span className="act-plot__key act-plot__key--dy">{identity ? t('lab.act.identityDerivative') : t('lab.act.derivative')}</span>
        {point && <span>{t('lab.act.point', { z: format.value(point.z), value: format.value(point.value), derivative: point.derivative === null ? '–' : format.value(point.derivative) })}</span>}
      </figcaption>
    </figure>
  );
}
