import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { DrawingCanvas } from '../drawing/DrawingCanvas.tsx';
import { DrawingToolbar } from '../drawing/DrawingToolbar.tsx';
import { applyLanguage } from '../i18n/index.ts';
import { LayersPanel } from '../layers/LayersPanel.tsx';
import { MapDetailDialog } from '../layers/MapDetailDialog.tsx';
import { ModelCard } from '../model/ModelCard.tsx';
import { PredictionPanel } from '../predict/PredictionPanel.tsx';
import { NetworkInputPanel } from '../sees/NetworkInputPanel.tsx';
import { useStudio } from '../state/store.ts';
import { AboutDialog } from './AboutDialog.tsx';
import { Header } from './Header.tsx';
import { attachShortcuts } from './shortcuts.ts';
import { startSession } from './session.ts';

function ConnectionBanner() {
  const { t } = useTranslation();
  const error = useStudio((s) => s.connectionError);
  const connected = useStudio((s) => s.activeModelId !== null);
  const switching = useStudio((s) => s.switchingModel);
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
  return null;
}

export function App() {
  const { t } = useTranslation();
  const language = useStudio((s) => s.language);

  useEffect(() => applyLanguage(language), [language]);
  useEffect(() => startSession(), []);
  useEffect(() => attachShortcuts(window), []);

  return (
    <div className="app">
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
          </section>
          <NetworkInputPanel />
        </div>
        <div className="column column--predict">
          <PredictionPanel />
          <ModelCard />
        </div>
        <div className="column column--layers">
          <LayersPanel />
        </div>
      </main>
      <MapDetailDialog />
      <AboutDialog />
    </div>
  );
}
