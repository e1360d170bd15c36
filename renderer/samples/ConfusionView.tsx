import './ConfusionView.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';
import type { SampleConfusion, SampleSummary } from '../transport/index.ts';
import { SampleThumb } from './Gallery.tsx';
import { modelName as nameOf } from '../model/modelName.ts';

const DIGITS = Array.from({ length: 10 }, (_, d) => d);

/** A cell's tint: right answers green, mistakes orange, deeper the more samples. */
function cellStyle(count: number, max: number, right: boolean): React.CSSProperties | undefined {
  if (count === 0) return undefined;
  const a = 0.14 + 0.66 * Math.sqrt(count / Math.max(1, max));
  return { background: right ? `rgba(38, 140, 86, ${a})` : `rgba(221, 104, 32, ${a})`, color: a > 0.55 ? '#fff' : undefined };
}

/**
 * The person's samples under the active model: rows are the labels they gave, columns what the model
 * reads. Clicking a cell shows those drawings below the table.
 */
export function ConfusionView({ confusion, samples }: { confusion: SampleConfusion; samples: readonly SampleSummary[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const cell = useStudio((s) => s.personal.cell);
  const model = useStudio((s) => s.models.find((m) => m.id === confusion.modelId));
  const max = Math.max(1, ...confusion.matrix.flat());
  const byId = new Map(samples.map((s) => [s.id, s]));
  const shown = cell ? confusion.cells[cell[0]][cell[1]].map((id) => byId.get(id)).filter((s): s is SampleSummary => s !== undefined) : [];
  const modelName = model ? nameOf(t, model) : confusion.modelId;

  return (
    <div className="confusion" data-testid="confusion" data-model={confusion.modelId}>
      <p className="confusion__summary">
        {confusion.total === 0
          ? t('confusion.empty')
          : t('confusion.summary', { model: modelName, correct: format.integer(confusion.correct), total: format.integer(confusion.total), percent: format.percent(confusion.correct / confusion.total) })}
      </p>
      <div className="confusion__frame">
        <span className="confusion__axis confusion__axis--cols">{t('confusion.reads')}</span>
        <span className="confusion__axis confusion__axis--rows">{t('confusion.labelled')}</span>
        <table className="confusion__table">
          <caption className="sr-only">{t('confusion.caption', { model: modelName })}</caption>
          <thead>
            <tr>
              <td />
              {DIGITS.map((d) => (
                <th key={d} scope="col">
                  {d}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {DIGITS.map((label) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {DIGITS.map((read) => {
                  const count = confusion.matrix[label][read];
                  const on = cell !== null && cell[0] === label && cell[1] === read;
                  return (
                    <td key={read} className={label === read ? 'confusion__diag' : undefined}>
                      {count > 0 ? (
                        <button
                          type="button"
                          className={on ? 'confusion__cell confusion__cell--on' : 'confusion__cell'}
                          style={cellStyle(count, max, label === read)}
                          aria-pressed={on}
                          aria-label={t('confusion.cellLabel', { n: count, label, read })}
                          title={t('confusion.cellLabel', { n: count, label, read })}
                          onClick={() => personalActions.selectCell(on ? null : [label, read])}
                          data-testid={`confusion-cell-${label}-${read}`}
                        >
                          {count}
                        </button>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cell ? (
        <section className="confusion__drawings" aria-live="polite" data-testid="confusion-samples">
          <h3>{cell[0] === cell[1] ? t('confusion.cellRight', { label: cell[0], n: shown.length }) : t('confusion.cellWrong', { label: cell[0], read: cell[1], n: shown.length })}</h3>
          <div className="gallery__grid">
            {shown.map((s) => (
              <SampleThumb key={s.id} sample={s} />
            ))}
          </div>
        </section>
      ) : (
        confusion.total > 0 && <p className="muted small">{t('confusion.hint')}</p>
      )}
    </div>
  );
}
