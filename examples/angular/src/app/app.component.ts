import { CUSTOM_ELEMENTS_SCHEMA, Component, InjectionToken, inject, signal } from '@angular/core';
import 'idconnect-kit/define/verify-button';
import 'idconnect-kit/define/share-button';
import type { IdcErrorDetail, ShareConsentResult, VerifyResult } from 'idconnect-kit';
import { exchangeCode, fetchShareLink, verifyConsent, type ExampleConfig } from '../../../shared/api.ts';

/** What the backend serves at `/config.json`, provided at bootstrap (src/main.ts). */
export const EXAMPLE_CONFIG = new InjectionToken<ExampleConfig>('EXAMPLE_CONFIG');

/**
 * Angular needs `CUSTOM_ELEMENTS_SCHEMA` for the `idc-*` tags; `[shareLink]` sets the element's property and
 * `(idc-success)` listens to its event. With strict templates, `$event` is typed from the element's
 * `HTMLElementEventMap` entry (the kit's define entries declare them).
 */
@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>idconnect-kit · Angular</h1>
      <section>
        <h2>1. Verify</h2>
        <idc-verify-button
          [attr.authority]="config.issuer"
          [attr.client-id]="config.clientId"
          [attr.redirect-uri]="config.redirectUri"
          (idc-success)="onSuccess($event)"
          (idc-error)="connection.set(describe($event))"
        ></idc-verify-button>
        <p role="status" id="connection">{{ connection() }}</p>
      </section>
      <section>
        <h2>2. Share</h2>
        <idc-share-button
          [attr.recipient-name]="config.recipientName"
          [attr.redirect-uri]="config.redirectUri"
          [shareLink]="shareLink"
          (idc-consent)="onConsent($event)"
          (idc-error)="sharing.set(describe($event))"
        ></idc-share-button>
        <p role="status" id="sharing">{{ sharing() }}</p>
      </section>
    </main>
  `,
})
export class AppComponent {
  protected readonly config = inject(EXAMPLE_CONFIG);
  protected readonly shareLink = fetchShareLink;
  protected readonly connection = signal('Not verified yet.');
  protected readonly sharing = signal('Nothing shared yet.');

  protected async onSuccess(event: CustomEvent<VerifyResult>): Promise<void> {
    this.connection.set('Verified: exchanging the code…');
    try {
      const { sub } = await exchangeCode(event.detail);
      this.connection.set(`Connected as ${sub}.`);
    } catch (err) {
      this.connection.set(`The backend exchange failed: ${(err as Error).message}`);
    }
  }

  protected async onConsent(event: CustomEvent<ShareConsentResult>): Promise<void> {
    this.sharing.set('Consent received: checking it…');
    try {
      const { sharingAllowed } = await verifyConsent(event.detail);
      this.sharing.set(sharingAllowed ? 'Sharing allowed (verified by the backend).' : 'Sharing declined.');
    } catch (err) {
      this.sharing.set(`The backend check failed: ${(err as Error).message}`);
    }
  }

  protected describe(event: CustomEvent<IdcErrorDetail>): string {
    const { code, message, retryable } = event.detail;
    return `Error ${code}: ${message}${retryable ? ' (try again)' : ''}`;
  }
}
