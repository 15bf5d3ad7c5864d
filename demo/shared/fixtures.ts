/**
 * Demo fixtures the two demo sites share (contract: "Demo fixtures"). The provider keeps its own copy of the client
 * registrations; these are the values each site needs to know about itself and its peers.
 */

export const INTEGRATOR = {
  clientId: 'demo-integrator',
  clientSecret: 'demo-integrator-secret',
  name: 'Acme Marketplace',
} as const;

export interface RecipientFixture {
  clientId: string;
  clientSecret: string;
  /** the HMAC key of the provider's `applicantReviewed` webhooks to this recipient */
  webhookSecret: string;
  name: string;
  levelName: string;
}

export const RECIPIENTS: readonly RecipientFixture[] = [
  {
    clientId: 'demo-recipient',
    clientSecret: 'demo-recipient-secret',
    webhookSecret: 'demo-recipient-webhook-secret',
    name: 'Regulated Bank',
    levelName: 'basic-kyc-level',
  },
  {
    clientId: 'demo-recipient-2',
    clientSecret: 'demo-recipient-2-secret',
    webhookSecret: 'demo-recipient-2-webhook-secret',
    name: 'Second Exchange',
    levelName: 'basic-kyc-level',
  },
  {
    clientId: 'demo-recipient-3',
    clientSecret: 'demo-recipient-3-secret',
    webhookSecret: 'demo-recipient-3-webhook-secret',
    name: 'Regulated Insurer',
    // takes a selfie: its reuse needs the user present for the provider's ownership check (docs/security.md §42)
    levelName: 'selfie-kyc-level',
  },
];

export function recipientById(clientId: unknown): RecipientFixture | undefined {
  return RECIPIENTS.find((r) => r.clientId === clientId);
}

export const DEMO_LOGIN = { email: 'alice@example.com', password: 'alice-demo' } as const;

export const DEFAULT_PORTS = { provider: 4000, integrator: 5173, recipient: 5174 } as const;
