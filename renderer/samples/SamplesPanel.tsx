import './SamplesPanel.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SidePanel } from '../app/SidePanel.tsx';
import { deleteSamples, exportSamples, importFile, refreshConfusion, refreshInsight, refreshSamples, relabelSamples } from '../app/personalSession.ts';
import { useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import type { SamplesMode } from '../state/personalState.ts';
import { useStudio } from '../state/store.ts';
import { CloseIcon, DownloadIcon, UploadIcon } from '../ui/icons.tsx';
import { SegmentedControl } from '../ui/SegmentedControl.tsx';
import { ConfusionView } from './ConfusionView.tsx';
import { skipText } from '../i18n/errorText.ts';
import { Gallery } from './Gallery.tsx';
import { InsightSection } from './InsightSection.tsx';

/** How long after a prediction the insight is asked for again (the drawing may still be in progress). */
const INSIGHT_AFTER_PREDICTION_MS = 800;

/** All, then each digit with its count: the gallery's filter and the collection's progress at a glance. */
function DigitFilter() {
  const { t } = useTranslation();
  const format = useFormat();
  const filter = useStudio((s) => s.personal.filter);
  const counts = useStudio((s) => s.personal.counts);
  const total = useStudio((s) => s.personal.total);
  const enough = useStudio((s) => s.personal.list?.enoughPerDigit ?? 10);
  const chip = (value: number | null, label: string, count: number) => (
    <button
      key={value ?? 'all'}
      type="button"
      className={`filter-chip${filter === value ? ' filter-chip--on' : ''}${value !== null && count >= enough ? ' filter-chip--enough' : ''}`}
      aria-pressed={filter === value}
      onClick={() => personalActions.setFilter(value)}
      data-testid={`filter-${value ?? 'all'}`}
    >
      <span className="filter-chip__label">{label}</span>
      <span className="filter-chip__count">{format.integer(count)}</span>
    </button>
  );
  return (
    <div className="filter" role="group" aria-label={t('samples.filter')}>
      {chip(null, t('samples.all'), total)}
      {Array.from({ length: 10 }, (_, d) => chip(d, String(d), counts?.[d] ?? 0))}
      <span className="muted small filter__hint">{t('samples.keysHint')}</span>
    </div>
  );
}

function SelectionBar() {
  const { t } = useTranslation();
  const selection = useStudio((s) => s.personal.selection);
  if (selection.length === 0) return null;
  return (
    <div className="selection-bar" role="toolbar" aria-label={t('samples.selectionTools')} data-testid="selection-bar">
      <span className="selection-bar__count">{t('samples.selected', { n: selection.length })}</span>
      <button type="button" className="tool tool--danger" onClick={() => void deleteSamples(selection)} data-testid="delete-selected">
        {t('samples.delete')}
      </button>
      <button type="button" className="tool tool--icon" aria-label={t('samples.clearSelection')} title={t('samples.clearSelection')} onClick={personalActions.clearSelection}>
        <CloseIcon size={16} />
      </button>
      <div className="selection-bar__relabel">
        <span className="selection-bar__label" id="relabel-label">
          {t('samples.relabelAs')}
        </span>
        <div className="digit-row digit-row--small" role="group" aria-labelledby="relabel-label">
          {Array.from({ length: 10 }, (_, d) => (
            <button key={d} type="button" className="digit-chip" aria-label={t('samples.relabelTo', { digit: d })} onClick={() => void relabelSamples(selection, d)} data-testid={`relabel-${d}`}>
              {d}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}

function ImportReportNote() {
  const { t } = useTranslation();
  const report = useStudio((s) => s.personal.importReport);
  if (!report) return null;
  return (
    <div className={report.skippedTotal > 0 ? 'report report--warn' : 'report'} role="status" data-testid="import-report">
      <div className="report__head">
        <strong>{t('samples.importDone', { imported: report.imported, skipped: report.skippedTotal })}</strong>
        <button type="button" className="tool tool--icon" aria-label={t('samples.closeReport')} title={t('samples.closeReport')} onClick={() => personalActions.imported(null)}>
          <CloseIcon size={16} />
        </button>
      </div>
      {report.files && report.files.length > 0 && (
        <ul className="report__list" data-testid="import-files">
          {report.files.map((f) => (
            <li key={f.file}>
              <code>{f.file}</code>{' '}
              {f.read ? t('samples.importFile', { imported: f.imported, skipped: f.skipped }) : skipText({ reason: '', code: f.code, params: f.params })}
            </li>
          ))}
        </ul>
      )}
      {report.skipped.length > 0 && (
        <details open={report.skipped.length <= 5}>
          <summary>{t('samples.importSkipped')}</summary>
          <ul className="report__list">
            {report.skipped.map((s) => (
              <li key={s.where}>
                <code>{s.where}</code> {skipText(s)}
              </li>
            ))}
          </ul>
          {report.skippedTotal > report.skipped.length && <p className="muted small">{t('samples.importMore', { n: report.skippedTotal - report.skipped.length })}</p>}
        </details>
      )}
    </div>
  );
}

/** The person's samples: counts, a gallery grouped by digit, the confusion under the active model, export and import. */
export function SamplesPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useStudio((s) => s.personal.list);
  const listStale = useStudio((s) => s.personal.listStale);
  const listError = useStudio((s) => s.personal.listError);
  const mode = useStudio((s) => s.personal.mode);
  const confusion = useStudio((s) => s.personal.confusion);
  const confusionStale = useStudio((s) => s.personal.confusionStale);
  const activeId = useStudio((s) => s.activeModelId);
  const total = useStudio((s) => s.personal.total);
  const filter = useStudio((s) => s.personal.filter);
  const transfer = useStudio((s) => s.personal.transfer);
  const enough = list?.enoughPerDigit ?? 10;
  const insight = useStudio((s) => s.personal.insight);
  const insightStale = useStudio((s) => s.personal.insightStale);
  const prediction = useStudio((s) => s.prediction);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (listStale) void refreshSamples();
  }, [listStale]);
  useEffect(() => {
    if (mode === 'confusion' && (confusionStale || confusion?.modelId !== activeId)) void refreshConfusion();
  }, [mode, confusionStale, confusion, activeId]);

  useEffect(() => {
    if (insightStale || insight?.modelId !== activeId) void refreshInsight();
  }, [insightStale, insight, activeId]);
  // what the person draws counts too: ask again once the drawing has settled
  useEffect(() => {
    if (!prediction) return;
    const timer = setTimeout(personalActions.markInsightStale, INSIGHT_AFTER_PREDICTION_MS);
    return () => clearTimeout(timer);
  }, [prediction]);

  const modes: { value: SamplesMode; label: string }[] = [
    { value: 'gallery', label: t('samples.gallery') },
    { value: 'confusion', label: t('samples.confusion') },
  ];
  const setMode = (next: SamplesMode) => {
    // the confusion view shows drawings of every digit
    if (next === 'confusion') personalActions.setFilter(null);
    personalActions.setMode(next);
  };

  let body;
  if (listError && !list) body = <p className="error">{t('samples.loadFailed', { message: listError })}</p>;
  else if (!list) body = <p className="muted">{t('samples.loading')}</p>;
  else if (total === 0) body = <div className="empty-state"><p className="empty-state__title">{t('samples.emptyTitle')}</p><p className="muted">{t('samples.emptyBody')}</p></div>;
  else if (mode === 'confusion') body = confusion ? <ConfusionView confusion={confusion} samples={list.samples} /> : <p className="muted">{t('samples.loading')}</p>;
  else body = <Gallery samples={filter === null ? list.samples : list.samples.filter((s) => s.label === filter)} />;

  return (
    <SidePanel view="samples" title={t('samples.title')} hint={t('samples.hint', { total: format.integer(total), enough })} data-testid="samples" data-total={total}>
      <div className="samples__bar">
        <SegmentedControl label={t('samples.view')} options={modes} value={mode} onChange={setMode} testId="samples-mode" />
        <div className="side-panel__actions">
          <button type="button" className="tool" disabled={total === 0 || transfer !== null} onClick={() => void exportSamples('zip')} title={t('samples.exportZipTip')} data-testid="export-zip">
            <DownloadIcon />
            <span>{transfer === 'export-zip' ? t('samples.working') : t('samples.exportZip')}</span>
          </button>
          <button type="button" className="tool" disabled={total === 0 || transfer !== null} onClick={() => void exportSamples('idx')} title={t('samples.exportIdxTip')} data-testid="export-idx">
            <DownloadIcon />
            <span>{transfer === 'export-idx' ? t('samples.working') : t('samples.exportIdx')}</span>
          </button>
          <button type="button" className="tool" disabled={transfer !== null} onClick={() => fileRef.current?.click()} title={t('samples.importTip')} data-testid="import">
            <UploadIcon />
            <span>{transfer === 'import' ? t('samples.working') : t('samples.import')}</span>
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".zip,.jsonl,.ndjson,application/zip"
            hidden
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (file) void importFile(file);
            }}
            data-testid="import-file"
          />
        </div>
      </div>
      {mode === 'gallery' && <DigitFilter />}
      <ImportReportNote />
      {listError && list && <p className="error small">{t('samples.loadFailed', { message: listError })}</p>}
      {list && list.setAside.length > 0 && (
        <details className="report report--warn">
          <summary>{t('samples.setAside', { n: list.setAside.length })}</summary>
          <ul className="report__list">
            {list.setAside.map((s) => (
              <li key={s.file}>
                <code>{s.file}</code> {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="side-panel__body">
        {list && <InsightSection />}
        {body}
      </div>
      <SelectionBar />
    </SidePanel>
  );
}
