import './ModelCard.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useStudio } from '../state/store.ts';
import { ResultFigures } from '../training/ResultCard.tsx';
import { cardText, modelName, modelNameOf } from './modelName.ts';

/** The active model's card: what it is, how well it does, how it was trained (from its meta.json). */
export function ModelCard() {
  const { t } = useTranslation();
  const format = useFormat();
  const activeId = useStudio((s) => s.activeModelId);
  const summary = useStudio((s) => s.models.find((m) => m.id === s.activeModelId));
  const info = useStudio((s) => (activeId ? s.modelInfo[activeId] : undefined));
  if (!summary) return null;
  const facts = summary.facts;
  const duration = (seconds: number) => (seconds < 120 ? t('card.seconds', { value: format.integer(seconds) }) : t('card.minutes', { value: format.integer(seconds / 60) }));

  // The two figures a reader looks for first get tiles; the rest is a list.
  const tiles: [string, string][] = [];
  if (facts.testAccuracy !== undefined) tiles.push([format.percent(facts.testAccuracy, 2), t('card.testAccuracy')]);
  tiles.push([format.integer(info?.totalParams ?? facts.params ?? 0), t('card.params')]);

  const rows: [string, string][] = [];
  if (facts.validationAccuracy !== undefined) rows.push([t('card.validationAccuracy'), format.percent(facts.validationAccuracy, 2)]);
  if (facts.penAccuracy !== undefined) rows.push([t('card.penAccuracy'), format.percent(facts.penAccuracy, 1)]);
  if (info) rows.push([t('card.macs'), format.integer(info.totalMacs)]);
  if (facts.epochs !== undefined) rows.push([t('card.epochs'), format.integer(facts.epochs)]);
  if (facts.trainingSeconds !== undefined) rows.push([t('card.trainingTime'), duration(facts.trainingSeconds)]);
  const trainedOn = cardText(facts, 'trainedOn');
  if (trainedOn && !summary.result) rows.push([t('card.trainedOn'), trainedOn]);
  if (facts.parent) rows.push([t('card.parent'), modelNameOf(t, facts.parent)]);
  if (facts.imported) rows.push([t('card.importedFrom'), facts.imported.file]);
  const description = cardText(facts, 'description');
  const recipe = cardText(facts, 'recipe');
  if (facts.createdAt) rows.push([t('card.created'), format.date(facts.createdAt)]);
  const trained = facts.testAccuracy !== undefined || facts.validationAccuracy !== undefined || summary.result !== undefined;

  return (
    <section className="panel card" aria-labelledby="card-title" data-testid="model-card" data-model={summary.id}>
      <header className="panel__header">
        <h2 id="card-title">{t('card.title')}</h2>
        <span className={summary.facts.imported ? "tag tag--imported" : "tag"} data-testid="card-tag">{summary.facts.imported ? t('card.imported') : summary.bundled ? t('card.bundled') : t('card.personal')}</span>
      </header>
      {/* A personal model's card is written by fine-tuning in English: its title and figures are shown in the interface's language. */}
      <h3 className="card__name">{modelName(t, summary)}</h3>
      <div className="tiles">
        {tiles.map(([value, label]) => (
          <div key={label} className="tile">
            <span className="tile__value">{value}</span>
            <span className="tile__label">{label}</span>
          </div>
        ))}
      </div>
      {summary.result ? <ResultFigures result={summary.result} /> : description && <p className="muted small">{description}</p>}
      <dl className="facts">
        {rows.map(([term, value]) => (
          <div key={term} className="facts__row">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {recipe && (
        <details className="card__recipe">
          <summary>{t('card.recipe')}</summary>
          <p className="small">{recipe}</p>
        </details>
      )}
      {!trained && <p className="note small">{t('card.untrained')}</p>}
    </section>
  );
}
