import { useState } from 'react';
import 'idconnect-kit/define/verify-button';
import 'idconnect-kit/define/share-button';
import type {} from 'idconnect-kit/jsx-react';
import type { IdcErrorDetail, ShareConsentResult, VerifyResult } from 'idconnect-kit';
import { exchangeCode, fetchShareLink, verifyConsent, type ExampleConfig } from '../../shared/api.ts';

/**
 * React 19 sets a custom element's properties (`shareLink`, a function) as properties and listens to its events
 * through `on` + the event name (`onidc-success`); the kit's JSX typings (`idconnect-kit/jsx-react`) type both.
 */
export function App({ config }: { config: ExampleConfig }) {
  const [connection, setConnection] = useState('Not verified yet.');
  const [sharing, setSharing] = useState('Nothing shared yet.');

  async function onSuccess(event: CustomEvent<VerifyResult>) {
    setConnection('Verified: exchanging the code…');
    try {
      const { sub } = await exchangeCode(event.detail);
      setConnection(`Connected as ${sub}.`);
    } catch (err) {
      setConnection(`The backend exchange failed: ${(err as Error).message}`);
    }
  }

  async function onConsent(event: CustomEvent<ShareConsentResult>) {
    setSharing('Consent received: checking it…');
    try {
      const { sharingAllowed } = await verifyConsent(event.detail);
      setSharing(sharingAllowed ? 'Sharing allowed (verified by the backend).' : 'Sharing declined.');
    } catch (err) {
      setSharing(`The backend check failed: ${(err as Error).message}`);
    }
  }

  function onError(event: CustomEvent<IdcErrorDetail>, show: (text: string) => void) {
    const { code, message, retryable } = event.detail;
    show(`Error ${code}: ${message}${retryable ? ' (try again)' : ''}`);
  }

  return (
    <main>
      <h1>idconnect-kit · React 19</h1>
      <section>
        <h2>1. Verify</h2>
        <idc-verify-button
          authority={config.issuer}
          client-id={config.clientId}
          redirect-uri={config.redirectUri}
          onidc-success={onSuccess}
          onidc-error={(event) => onError(event, setConnection)}
        ></idc-verify-button>
        <p role="status" id="connection">
          {connection}
        </p>
      </section>
      <section>
        <h2>2. Share</h2>
        <idc-share-button
          recipient-name={config.recipientName}
          redirect-uri={config.redirectUri}
          shareLink={fetchShareLink}
          onidc-consent={onConsent}
          onidc-error={(event) => onError(event, setSharing)}
        ></idc-share-button>
        <p role="status" id="sharing">
          {sharing}
        </p>
      </section>
    </main>
  );
}
