/** The page entry: one device worker, one React root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { DeviceClient } from './device-client.ts';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App device={new DeviceClient()} />
    </StrictMode>,
  );
}
