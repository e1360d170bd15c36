import './App.css';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { DrawingCanvas } from '../drawing/DrawingCanvas.tsx';
import { DrawingToolbar } from '../drawing/DrawingToolbar.tsx';
import { ExplainPanel } from '../explain/ExplainPanel.tsx';
import { applyLanguage } from '../i18n/index.ts';
import { reasonsText } from '../i18n/reasonText.ts';
import { LabPanel } from '../lab/LabPanel.tsx';
import { LayersPanel } from '../layers/LayersPanel.tsx';
import { MapDetailDialog } from '../layers/MapDetailDialog.tsx';
import { ModelCard } from '../model/ModelCard.tsx';
import { modelName } from '../model/modelName.ts';
import { PredictionPanel } from '../predict/PredictionPanel.tsx';
import { NetworkInputPanel } from '../sees/NetworkInputPanel.tsx';
import { SamplesPanel } from '../samples/SamplesPanel.tsx';
import { SaveSampleBar } from '../samples/SaveSampleBar.tsx';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';
import { TrainingPanel } from '../training/TrainingPanel.tsx';
import { ScratchPanel } from '../training/ScratchPanel.tsx';
import { VersionsPanel } from '../versions/VersionsPanel.tsx';
import { AboutDialog } from './AboutDialog.tsx';
import { Header } from './Header.tsx';
import { attachShortcuts } from './shortcuts.ts';
import { startSession } from './session.ts';
import { panelId, SideTabs, tabId } from './SideTabs.tsx';
import { SkipLinks } from './SkipLinks.tsx';
import { ToastRegion } from './ToastRegion.tsx';

function ConnectionBanner() {
  const { t } = useTranslation();
  const error = useStudio((s) => s.connectionError);
  const connected = useStudio((s) => s.activeModelId !== null);
  const switching = useStudio((s) => s.switchingModel);
  const reconnecting = useStudio((s) => s.reconnecting);
  if (reconnecting) {
    return (
      <div className="banner" role="status" data-testid="reconnecting">
        {t('app.reconnecting')}
      </div>
    );
  }
  if (error) {
    return (
      <div className="banner banner--error" role="alert">
        <span>{t('app.connectionError', { message: error })}</span>
        <button type="button" className="tool" onClick={() => window.location.reload()}>
          {t('app.retry')}
        </button>
      </div>
    );
  }
  if (!connected) return <div className="banner" role="status">{t('app.connecting')}</div>;
  if (switching) return <div className="banner" role="status">{t('model.switching')}</div>;
  return <ModelNotice />;
}

/** The model the person chose is missing or damaged and a bundled one stands in: say so until dismissed. */
function ModelNotice() {
  const { t } = useTranslation();
  const notice = useStudio((s) => s.personal.modelNotice);
  const reasons = useStudio((s) => s.personal.modelNoticeReasons);
  const dismissed = useStudio((s) => s.personal.noticeDismissed);
  const active = useStudio((s) => s.models.find((m) => m.id === s.activeModelId));
  if (!notice || dismissed) return null;
  return (
    <div className="banner banner--warn" role="alert" data-testid="model-notice">
      <span>
        <strong>{t('notice.title')}</strong> {t('notice.body', { model: active ? modelName(t, active) : '' })}
        {/* the core's reasons, translated; in English with the file and the fault */}
        <span className="banner__detail" data-testid="model-notice-detail">
          {t('notice.detail')} {reasonsText(reasons, notice)}
        </span>
      </span>
      <span className="banner__actions">
        <button type="button" className="tool" onClick={() => personalActions.setView('models')}>
          {t('notice.showModels')}
        </button>
        <button type="button" className="tool" onClick={personalActions.dismissNotice}>
          {t('notice.dismiss')}
        </button>
      </span>
    </div>
  );
}

/** The right-hand column: the layer viewers, the samples, fine-tuning and the model versions, as tabs. */
function SideColumn() {
  const view = useStudio((s) => s.personal.view);
  return (
    <div className="column column--layers">
      <SideTabs />
      {view === 'layers' && (
        <div className="side-view" id={panelId('layers')} role="tabpanel" aria-labelledby={tabId('layers')}>
          <LayersPanel />
        </div>
      )}
      {view === 'lab' && (
        <div className="side-view" id={panelId('lab')} role="tabpanel" aria-labelledby={tabId('lab')}>
          <LabPanel />
        </div>
      )}
      {view === 'explain' && <ExplainPanel />}
      {view === 'samples' && <SamplesPanel />}
      {view === 'train' && <TrainingPanel />}
      {view === 'scratch' && <ScratchPanel />}
      {view === 'models' && <VersionsPanel />}
    </div>
  );
}

export function App() {
  const { t } = useTranslation();
  const language = useStudio((s) => s.language);
  const presenting = useStudio((s) => s.presenting);

  useEffect(() => applyLanguage(language), [language]);
  useEffect(() => startSession(), []);
  useEffect(() => attachShortcuts(window), []);

  return (
    <div className={presenting ? 'app app--presenting' : 'app'} data-testid="app" data-presenting={presenting}>
      <SkipLinks />
      <Header />
      <ConnectionBanner />
      <main className="workspace">
        <div className="column column--draw">
          <section className="panel draw" aria-labelledby="draw-title">
            <header className="panel__header">
              <h2 id="draw-title">{t('draw.title')}</h2>
            </header>
            <p className="muted small draw__hint">{t('draw.hint')}</p>
            <DrawingCanvas />
            <DrawingToolbar />
            <SaveSampleBar />
          </section>
          <NetworkInputPanel />
        </div>
        <div className="column column--predict">
          <PredictionPanel />
          <ModelCard />
        </div>
        <SideColumn />
      </main>
      <MapDetailDialog />
      <AboutDialog />
      <ToastRegion />
    </div>
  );
}
