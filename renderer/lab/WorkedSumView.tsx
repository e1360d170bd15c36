import './WorkedSumView.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { WorkedSum } from '../transport/index.ts';

/** A group with at most this many terms is written out as one line: 0×1 + 1×2 + 2×4 + 3×5 = 19. */
const INLINE_TERMS = 9;
/** Products of a dense unit listed by size (the rest are counted). */
const DENSE_SHOWN = 6;

type Format = ReturnType<typeof useFormat>;

/** A factor of a product: negative numbers in parentheses, so "(−1)×5" cannot be misread. */
const factor = (format: Format, v: number) => (format.value(v).startsWith('-') ? `(${format.value(v)})` : format.value(v));

function SmallGrid({ values, height, width, label, chosen, marked }: { values: Float32Array; height: number; width: number; label: string; chosen?: number | null; marked?: (index: number) => boolean }) {
  const format = useFormat();
  return (
    <figure className="worked__grid">
      <table className="worked__table" aria-label={label}>
        <tbody>
          {Array.from({ length: height }, (_, r) => (
            <tr key={r}>
              {Array.from({ length: width }, (_, c) => (
                <td key={c} className={chosen === r * width + c ? 'worked__chosen' : marked?.(r * width + c) ? 'worked__marked' : undefined}>
                  {format.value(values[r * width + c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="small muted">{label}</figcaption>
    </figure>
  );
}

interface Props {
  readonly worked: WorkedSum;
  /** The name of what the unit reads, per channel (e.g. "S2 map 3", "input channel 1"). */
  readonly channelName: (channel: number) => string;
  readonly testId?: string;
  /** The result (sum, bias, activation, value) above the terms, for long sums (a real layer's 150 terms). */
  readonly summaryFirst?: boolean;
  /** An RBF unit's 84 terms laid out as its code bitmap (rows × columns), when the model has one. */
  readonly bitmap?: { readonly height: number; readonly width: number } | null;
}

/** (x − c)², with negative numbers in parentheses. */
const squaredDifference = (format: Format, x: number, c: number) => `(${factor(format, x)} − ${factor(format, c)})²`;

/** One unit's arithmetic, every number the core's: per channel the window, the kernel and their products, then bias and activation. */
export function WorkedSumView({ worked: w, channelName, testId, summaryFirst = false, bitmap = null }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const kh = w.window?.height ?? 1;
  const kw = w.window?.width ?? w.groups[0]?.inputs.length ?? 1;
  const fnName = w.activation ? t(`lab.fn.${w.activation}`) : '';

  const lines = [];
  if (w.op === 'conv' || w.op === 'dense') {
    w.groups.forEach((g, i) => {
      const products = g.products!;
      const weights = g.weights!;
      const inline = products.length <= INLINE_TERMS;
      let body;
      if (inline) {
        const terms = Array.from(products, (_, j) => `${factor(format, weights[j])}×${factor(format, g.inputs[j])}`).join(' + ');
        body = <p className="worked__terms" data-testid="worked-terms">{terms} = <strong>{format.value(g.partial)}</strong></p>;
      } else if (w.op === 'conv') {
        body = (
          <div className="worked__grids">
            <SmallGrid values={g.inputs} height={kh} width={kw} label={t('lab.worked.patch')} />
            <span className="worked__op" aria-hidden="true">×</span>
            <SmallGrid values={weights} height={kh} width={kw} label={t('lab.worked.kernel')} />
            <span className="worked__op" aria-hidden="true">=</span>
            <SmallGrid values={products} height={kh} width={kw} label={t('lab.worked.products')} />
            <p className="worked__partial">{t('lab.worked.sumOf', { count: products.length })} <strong>{format.value(g.partial)}</strong></p>
          </div>
        );
      } else {
        const order = Array.from(products, (_, j) => j).sort((a, b) => Math.abs(products[b]) - Math.abs(products[a])).slice(0, DENSE_SHOWN);
        body = (
          <p className="worked__terms">
            {order.map((j) => `${factor(format, weights[j])}×${factor(format, g.inputs[j])}`).join(' + ')} + … {t('lab.worked.moreTerms', { count: products.length - order.length })} = <strong>{format.value(g.partial)}</strong>
          </p>
        );
      }
      lines.push(
        <li key={i} className="worked__group">
          <span className="worked__from">{w.op === 'dense' ? t('lab.worked.allInputs', { count: products.length }) : channelName(g.channel)}</span>
          {body}
        </li>,
      );
    });
  } else if (w.op === 'rbf') {
    const g = w.groups[0];
    const products = g.products!;
    const centre = g.weights!;
    const order = Array.from(products, (_, j) => j).sort((a, b) => products[b] - products[a]).slice(0, DENSE_SHOWN);
    const fits = bitmap !== null && bitmap.height * bitmap.width === products.length;
    lines.push(
      <li key="rbf" className="worked__group">
        <span className="worked__from">{t('lab.worked.rbfTerms', { count: products.length })}</span>
        <p className="worked__terms" data-testid="worked-terms">
          {order.map((j) => squaredDifference(format, g.inputs[j], centre[j])).join(' + ')} + … {t('lab.worked.moreTerms', { count: products.length - order.length })} = <strong>{format.value(g.partial)}</strong>
        </p>
        {fits && (
          <div className="worked__grids">
            <SmallGrid values={products} height={bitmap.height} width={bitmap.width} label={t('lab.worked.rbfGrid')} marked={(i) => centre[i] > 0} />
          </div>
        )}
        <p className="small muted">{t('lab.worked.explain.rbf')}</p>
      </li>,
    );
  } else {
    const g = w.groups[0];
    const values = Array.from(g.inputs, (v) => format.value(v));
    const text =
      w.op === 'maxpool'
        ? `max(${values.join(', ')}) = ${format.value(w.sum)}`
        : w.op === 'avgpool'
          ? `(${values.join(' + ')}) / ${g.inputs.length} = ${format.value(w.preActivation)}`
          : `${factor(format, w.coef ?? 1)} × (${values.join(' + ')}) + ${factor(format, w.bias ?? 0)} = ${format.value(w.preActivation)}`;
    lines.push(
      <li key="pool" className="worked__group">
        <span className="worked__from">{channelName(g.channel)}</span>
        <div className="worked__grids">
          <SmallGrid values={g.inputs} height={kh} width={kw} label={t('lab.worked.window')} chosen={w.chosen} />
          <p className="worked__terms" data-testid="worked-terms">{text}</p>
        </div>
        <p className="small muted">{t(`lab.worked.explain.${w.op}`)}</p>
      </li>,
    );
  }

  const partials = w.groups.map((g) => factor(format, g.partial));
  const summary = (
    <div className="worked__summary">
      {(w.op === 'conv' || w.op === 'dense') && (
        <p className="worked__total" data-testid="worked-total">
          {w.groups.length > 1 ? `${partials.join(' + ')}` : partials[0]}
          {w.bias !== null && ` + ${factor(format, w.bias)} ${t('lab.worked.bias')}`} = <strong>{format.value(w.preActivation)}</strong>
          {w.activation && w.activation !== 'identity' && <span className="muted"> ({t('lab.worked.pre')})</span>}
        </p>
      )}
      {w.activation && w.activation !== 'identity' && (
        <p className="worked__total" data-testid="worked-activation">
          {t('lab.worked.activation', { fn: fnName, z: format.value(w.preActivation), value: format.value(w.value) })}
          {w.derivative !== null && <span className="muted"> · {t('lab.worked.derivative', { z: format.value(w.preActivation), value: format.value(w.derivative) })}</span>}
        </p>
      )}
      <p className="worked__value">
        {t('lab.worked.value')} <strong data-testid="worked-value">{format.value(w.value)}</strong>
      </p>
    </div>
  );
  return (
    <div className="worked" data-testid={testId} data-value={w.value}>
      {summaryFirst && summary}
      <ol className="worked__groups">{lines}</ol>
      {!summaryFirst && summary}
    </div>
  );
}
