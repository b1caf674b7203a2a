import { SigmaIAM } from '@sigma/iam-js';
import { SigmaAuthProvider } from '@sigma/iam-react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SessionTokenStorage } from './session-token-storage';

const iam = new SigmaIAM({
  baseURL: process.env.SIGMA_IAM_URL ?? 'http://127.0.0.1:3000',
  clientId: process.env.SIGMA_IAM_CLIENT_ID,
  redirectUri: `${window.location.origin}/callback`,
  storage: new SessionTokenStorage('sigma-iam-example'),
});

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SigmaAuthProvider client={iam}>
      <App />
    </SigmaAuthProvider>
  </StrictMode>,
);
