import './VersionsPanel.css';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { activateModel } from '../app/session.ts';
import { SidePanel } from '../app/SidePanel.tsx';
import { exportModel, importModelFiles, removeVersion, type ModelImportNote } from '../app/personalSession.ts';
import { useFormat } from '../i18n/format.ts';
import { reasonsText } from '../i18n/reasonText.ts';
import { useStudio } from '../state/store.ts';
import type { ModelSummary } from '../transport/index.ts';
import { CheckIcon, DownloadIcon, UploadIcon } from '../ui/icons.tsx';
import { layersText, ResultFigures } from '../training/ResultCard.tsx';
import { modelName, modelNameOf } from '../model/modelName.ts';

function VersionCard({ model, active }: { model: ModelSummary; active: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useStudio((s) => s.personal.versionBusy);
  const switching = useStudio((s) => s.switchingModel);
  // deleting a model cannot be undone: it asks once, in place
  const [confirming, setConfirming] = useState(false);
  const facts = model.facts;
  const lines: string[] = [];
  if (model.bundled) {
    lines.push(t(model.arch === 'classic' ? 'model.classicTip' : 'model.modernTip'));
  } else if (facts.imported) {
    lines.push(t('versions.importedNote', { file: facts.imported.file, when: format.dateTime(facts.imported.at) }));
  } else {
    if (facts.createdAt) lines.push(t('versions.created', { when: format.dateTime(facts.createdAt) }));
    if (model.result) lines.push(t('versions.fromBase', { base: modelNameOf(t, model.result.baseModelId), layers: layersText(t, model.result.layers), epochs: model.result.epochs, samples: model.result.samples.train }));
  }
  return (
    <li className={active ? 'version version--active' : 'version'} data-testid={`version-${model.id}`} data-active={active} data-bundled={model.bundled}>
      <div className="version__head">
        <div className="version__names">
          <h3 className="version__title">{modelName(t, model)}</h3>
          <span className="version__id" translate="no">{model.id}</span>
        </div>
        <span className={facts.imported ? 'tag tag--imported' : 'tag'} data-testid={`version-tag-${model.id}`}>
          {facts.imported ? t('card.imported') : model.bundled ? t('card.bundled') : t('card.personal')}
        </span>
      </div>
      {lines.map((line) => (
        <p key={line} className="muted small">
          {line}
        </p>
      ))}
      {model.bundled && facts.testAccuracy !== undefined && <p className="small">{t('versions.testAccuracy', { value: format.percent(facts.testAccuracy, 2) })}</p>}
      {model.result && <ResultFigures result={model.result} />}
      <div className="version__actions">
        {active ? (
          <span className="version__active" data-testid={`version-active-${model.id}`}>
            <CheckIcon size={16} />
            {t('versions.active')}
          </span>
        ) : (
          <button type="button" className="tool" disabled={switching || busy !== null} onClick={() => void activateModel(model.id)} data-testid={`version-activate-${model.id}`}>
            {busy === model.id ? t('versions.checking') : t('versions.activate')}
          </button>
        )}
        <button type="button" className="tool" onClick={() => void exportModel(model.id)} title={t('versions.exportTip')} data-testid={`version-export-${model.id}`}>
          <DownloadIcon />
          <span>{t('versions.export')}</span>
        </button>
        {!model.bundled && !active && !confirming && (
          <button type="button" className="tool tool--danger" disabled={busy !== null} onClick={() => setConfirming(true)} data-testid={`version-remove-${model.id}`}>
            {t('versions.remove')}
          </button>
        )}
        {!model.bundled && active && <span className="muted small">{t('versions.activeCannotDelete')}</span>}
      </div>
      {confirming && !active && (
        <div className="version__confirm" role="alertdialog" aria-label={t('versions.confirmRemove', { name: modelName(t, model) })} data-testid={`version-confirm-${model.id}`}>
          <p className="small">{t('versions.confirmRemove', { name: modelName(t, model) })}</p>
          <div className="version__actions">
            <button
              type="button"
              className="tool tool--danger"
              disabled={busy !== null}
              onClick={() => {
                setConfirming(false);
                void removeVersion(model.id);
              }}
              data-testid={`version-remove-confirm-${model.id}`}
            >
              {t('versions.removeConfirm')}
            </button>
            <button type="button" className="tool" autoFocus onClick={() => setConfirming(false)} data-testid={`version-remove-cancel-${model.id}`}>
              {t('versions.removeCancel')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

/** Every model version, bundled and personal, with its card; activating an older one is the rollback. */
export function VersionsPanel() {
  const { t } = useTranslation();
  const models = useStudio((s) => s.models);
  const activeId = useStudio((s) => s.activeModelId);
  const notice = useStudio((s) => s.personal.modelNotice);
  const noticeReasons = useStudio((s) => s.personal.modelNoticeReasons);
  const error = useStudio((s) => s.personal.versionError);
  const fileRef = useRef<HTMLInputElement>(null);
  const [importing, setImporting] = useState(false);
  const [note, setNote] = useState<ModelImportNote | null>(null);
  const activeModel = models.find((m) => m.id === activeId);
  const bundled = models.filter((m) => m.bundled);
  // newest personal model first: the one just trained is where the eye lands
  const personal = models.filter((m) => !m.bundled).sort((a, b) => (b.facts.createdAt ?? '').localeCompare(a.facts.createdAt ?? ''));

  return (
    <SidePanel view="models" title={t('versions.title')} hint={t('versions.hint')} data-testid="versions">
      <div className="side-panel__body">
        <div className="side-panel__actions">
          <button type="button" className="tool" disabled={importing} onClick={() => fileRef.current?.click()} title={t('versions.importTip')} data-testid="model-import">
            <UploadIcon />
            <span>{importing ? t('samples.working') : t('versions.import')}</span>
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".onnx,.json,application/json"
            multiple
            hidden
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = '';
              if (files.length === 0) return;
              setImporting(true);
              setNote(null);
              void importModelFiles(files).then((r) => {
                setNote(r);
                setImporting(false);
              });
            }}
            data-testid="model-import-file"
          />
        </div>
        {note && (
          <div className="report" role="status" data-testid="model-import-report">
            <strong>{t('versions.importReport', { name: modelName(t, models.find((m) => m.id === note.id) ?? { id: note.id, bundled: false, title: note.id, arch: 'modern', facts: { title: note.id } }) })}</strong>
            <ul className="report__list">
              {note.files.map((f) => (
                <li key={`${f.file}-${f.taken}`}>
                  <code translate="no">{f.file}</code> {f.text}
                </li>
              ))}
            </ul>
          </div>
        )}
        {notice && (
          <div className="note note--warn" role="status" data-testid="versions-notice">
            <strong>{t('notice.title')}</strong> {t('notice.body', { model: activeModel ? modelName(t, activeModel) : '' })}
            <span className="banner__detail">
              {t('notice.detail')} {reasonsText(noticeReasons, notice)}
            </span>
          </div>
        )}
        {error && (
          <p className="error small" role="alert">
            {error}
          </p>
        )}
        <h3 className="versions__heading">{t('versions.bundled')}</h3>
        <ul className="versions">
          {bundled.map((m) => (
            <VersionCard key={m.id} model={m} active={m.id === activeId} />
          ))}
        </ul>
        <h3 className="versions__heading">{t('versions.personal')}</h3>
        {personal.length > 0 ? (
          <ul className="versions">
            {personal.map((m) => (
              <VersionCard key={m.id} model={m} active={m.id === activeId} />
            ))}
          </ul>
        ) : (
          <p className="muted small">{t('versions.nonePersonal')}</p>
        )}
      </div>
    </SidePanel>
  );
}
