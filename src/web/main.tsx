/**
 * The page entry: one device worker, one React root. First of all, a demo officer's
 * organisation key leaves the address bar (demo-org-key.ts).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { takeDemoOrgKey } from './demo-org-key.ts';
import { DeviceClient } from './device-client.ts';
import './styles.css';

const demoOrgKey = takeDemoOrgKey(window.location, window.history);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App device={new DeviceClient()} {...(demoOrgKey ? { demoOrgKey } : {})} />
    </StrictMode>,
  );
}
