import './ui/tokens.css';
import './ui/base.css';
import './ui/controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { initI18n } from './i18n/index.ts';
import { useStudio } from './state/store.ts';
import { removeSecretsFromAddress } from './transport/index.ts';

// Before anything else: no secret stays in the address bar or the history entry.
removeSecretsFromAddress();
initI18n(useStudio.getState().language);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
