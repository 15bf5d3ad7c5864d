import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from '../../shared/api.ts';
import { App } from './App.tsx';

const config = await loadConfig();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App config={config} />
  </StrictMode>,
);
