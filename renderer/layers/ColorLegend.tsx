import './ColorLegend.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { cssGradient, type ScaleKind } from './colorScale.ts';

/** The colour scale with its end values; in per-map scaling the ends are each map's own largest value. */
export function ColorLegend({ kind, limit, perMap }: { kind: ScaleKind; limit: number; perMap: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const high = perMap ? `+${t('layers.legendMax')}` : format.value(limit);
  const low = kind === 'diverging' ? (perMap ? `−${t('layers.legendMax')}` : format.value(-limit)) : '0';
  return (
    <div className="legend" role="img" aria-label={`${t('layers.legendLabel', { low, high })}${perMap ? ` (${t('layers.legendPerMap')})` : ''}`}>
      <span className="legend__end" aria-hidden="true">
        {low}
      </span>
      <span className="legend__bar" aria-hidden="true" style={{ backgroundImage: cssGradient(kind) }}>
        {kind === 'diverging' && <span className="legend__zero" />}
      </span>
      <span className="legend__end" aria-hidden="true">
        {high}
      </span>
      {kind === 'diverging' && (
        <span className="legend__mid" aria-hidden="true">
          0
        </span>
      )}
    </div>
  );
}
