import './StrokeWhatIf.css';
import { useTranslation } from 'react-i18next';
import type { WireInk } from '../drawing/ink.ts';
import { useFormat } from '../i18n/format.ts';
import { explainActions, useExplain, type Explanation } from './explainState.ts';

const VIEW = 100;

/** The strokes as drawn, fitted into a square: the renderer only redraws the person's own ink. */
function strokePaths(ink: WireInk): { paths: string[]; starts: [number, number][]; width: number } {
  const points = ink.strokes.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x1 - x0, y1 - y0, 1);
  const scale = (VIEW * 0.8) / span;
  const ox = (VIEW - (x1 - x0) * scale) / 2;
  const oy = (VIEW - (y1 - y0) * scale) / 2;
  const at = (p: readonly number[]): [number, number] => [ox + (p[0] - x0) * scale, oy + (p[1] - y0) * scale];
  return {
    paths: ink.strokes.map((s) => s.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p).map((v) => v.toFixed(1)).join(' ')}`).join(' ') + (s.length === 1 ? ' l0.01 0' : '')),
    starts: ink.strokes.map((s) => at(s[0])),
    width: 4,
  };
}

/** Each stroke left out in turn: what the network then reads, and which stroke decided. */
export function StrokeWhatIf({ response, ink }: { response: Explanation; ink: WireInk }) {
  const { t } = useTranslation();
  const format = useFormat();
  const hovered = useExplain((s) => s.hoveredStroke);
  if (response.strokesOmitted) return <p className="muted small" data-testid="what-if-omitted">{t('explain.whatIfOmitted', { count: ink.strokes.length })}</p>;
  if (response.strokes.length === 0) return null;
  const { paths, starts, width } = strokePaths(ink);
  const watched = (p: readonly number[]) => (response.versus === null ? p[response.target] : p[response.target] - p[response.versus]);
  const deciding = response.deciding;
  const strokeClass = (i: number) => ['what-if__stroke', i === deciding ? 'what-if__stroke--deciding' : '', i === hovered ? 'what-if__stroke--hovered' : ''].join(' ').trim();
  const decidingOutcome = deciding === null ? null : response.strokes[deciding];

  return (
    <div className="what-if" data-testid="stroke-what-if" data-deciding={deciding ?? ''}>
      <svg className="what-if__ink" viewBox={`0 0 ${VIEW} ${VIEW}`} role="img" aria-label={t('explain.inkLabel', { count: ink.strokes.length })}>
        {paths.map((d, i) => (
          <path key={i} d={d} className={strokeClass(i)} strokeWidth={width} data-testid={`what-if-path-${i}`} />
        ))}
        {starts.map(([x, y], i) => (
          <g key={i} className="what-if__badge" aria-hidden="true">
            <circle cx={x} cy={y} r={5} />
            {/* in the drawing's own units (the viewBox is 100 wide), so it scales with the drawing */}
            <text x={x} y={y} dy="0.35em" textAnchor="middle" fontSize={6}>
              {i + 1}
            </text>
          </g>
        ))}
      </svg>
      <div className="what-if__list">
        <p className="what-if__verdict" data-testid="what-if-verdict">
          {decidingOutcome === null || deciding === null
            ? t('explain.noDecidingStroke')
            : decidingOutcome.empty
              ? t('explain.decidingOnly', { stroke: deciding + 1 })
              : decidingOutcome.top !== response.top
                ? t('explain.decidingFlips', { stroke: deciding + 1, digit: decidingOutcome.top, percent: format.percent(decidingOutcome.probabilities[decidingOutcome.top]) })
                : t('explain.decidingWeakens', { stroke: deciding + 1, digit: decidingOutcome.top, percent: format.percent(decidingOutcome.probabilities[decidingOutcome.top]) })}
        </p>
        <ol className="what-if__rows">
          {response.strokes.map((s, i) => (
            <li
              key={i}
              className={i === deciding ? 'what-if__row what-if__row--deciding' : 'what-if__row'}
              tabIndex={0}
              data-testid={`what-if-row-${i}`}
              onPointerEnter={() => explainActions.hoverStroke(i)}
              onPointerLeave={() => explainActions.hoverStroke(null)}
              onFocus={() => explainActions.hoverStroke(i)}
              onBlur={() => explainActions.hoverStroke(null)}
            >
              <span className="what-if__index">{i + 1}</span>
              {s.empty ? (
                // nothing drawn is left: the network's answer to a blank field would mean nothing, so none is shown
                <span className="what-if__reads" data-testid={`what-if-nothing-${i}`}>
                  {t('explain.withoutNothing')}
                </span>
              ) : (
                <>
                  <span className="what-if__reads">{t('explain.withoutReads', { digit: s.top, percent: format.percent(s.probabilities[s.top]) })}</span>
                  <span className="muted small what-if__change">
                    {response.versus === null
                      ? t('explain.changeOne', { target: response.target, before: format.percent(watched(response.probabilities)), after: format.percent(watched(s.probabilities)) })
                      : t('explain.changeTwo', { target: response.target, versus: response.versus, before: format.percent(watched(response.probabilities)), after: format.percent(watched(s.probabilities)) })}
                  </span>
                </>
              )}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
