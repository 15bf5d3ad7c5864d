import { useState } from 'react';
import { IdcShareButton, IdcVerifyButton } from 'idconnect-kit/react';
import type { IdcErrorDetail, ShareConsentResult, VerifyResult } from 'idconnect-kit';
import { exchangeCode, fetchShareLink, verifyConsent, type ExampleConfig } from '../../shared/api.ts';

/**
 * React 18 passes every prop of a custom element as a string attribute and does not listen to custom events, so
 * this app uses the kit's `@lit/react` wrappers: they register their elements, set properties (`shareLink`, a
 * function) and take the events as `onIdcSuccess`, `onIdcConsent`, `onIdcError`.
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
      <h1>idconnect-kit · React 18</h1>
      <section>
        <h2>1. Verify</h2>
        <IdcVerifyButton
          authority={config.issuer}
          clientId={config.clientId}
          redirectUri={config.redirectUri}
          onIdcSuccess={onSuccess}
          onIdcError={(event) => onError(event, setConnection)}
        />
        <p role="status" id="connection">
          {connection}
        </p>
      </section>
      <section>
        <h2>2. Share</h2>
        <IdcShareButton
          recipientName={config.recipientName}
          redirectUri={config.redirectUri}
          shareLink={fetchShareLink}
          onIdcConsent={onConsent}
          onIdcError={(event) => onError(event, setSharing)}
        />
        <p role="status" id="sharing">
          {sharing}
        </p>
      </section>
    </main>
  );
}
