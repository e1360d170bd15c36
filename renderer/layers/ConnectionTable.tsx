import './ConnectionTable.css';
import { useTranslation } from 'react-i18next';

/**
 * C3's connection table (LeCun et al. 1998, table I): a mark where C3 map `to` (column) reads S2 map
 * `from` (row). The highlighted column follows the C3 map under the pointer or opened.
 */
export function ConnectionTable({ connections, inputMaps, highlight }: { connections: readonly (readonly number[])[]; inputMaps: number; highlight: number | null }) {
  const { t } = useTranslation();
  return (
    <div className="c3-table">
      <table data-testid="c3-table">
        <caption>
          <strong>{t('layers.c3Table')}</strong> <span className="muted">{t('layers.c3TableExplain')}</span>
        </caption>
        <thead>
          <tr>
            <td />
            {connections.map((_, to) => (
              <th key={to} scope="col" className={to === highlight ? 'c3-table__on' : undefined}>
                {to}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: inputMaps }, (_, from) => (
            <tr key={from}>
              <th scope="row" aria-label={t('layers.c3Row', { map: from })}>
                {from}
              </th>
              {connections.map((reads, to) => {
                const connected = reads.includes(from);
                return (
                  <td key={to} className={to === highlight ? 'c3-table__on' : undefined} aria-label={connected ? t('layers.c3Cell', { from, to }) : t('layers.c3CellNot', { from, to })}>
                    {connected ? <span className="c3-table__mark" /> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
