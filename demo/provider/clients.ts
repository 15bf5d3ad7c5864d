import type { ClientMetadata } from 'oidc-provider';

/** One requirement of a recipient's verification level (the shape `<idc-reuse-selection>` takes). */
export interface LevelRequirement {
  id: string;
  label?: string;
  accepts: string[];
  required: boolean;
}

/**
 * The kit's own client metadata, registered with oidc-provider as extra client metadata:
 * - `idc_role`: `integrator` (a donor that embeds the Verify button) or `recipient` (redeems share tokens);
 * - `idc_allowed_donors`: for a recipient, the integrators it accepts as donors from the start (active
 *   partnerships seeded when the provider starts; more come through `POST /api/partnerships` + `/activate`);
 * - `idc_levels`: for a recipient, its verification levels and what each needs (the first is the one a share
 *   consent screen lists);
 * - `idc_webhook_url`, `idc_webhook_secret`: for a recipient, where `applicantReviewed` goes and the HMAC key.
 */
export const EXTRA_CLIENT_METADATA = ['idc_role', 'idc_allowed_donors', 'idc_levels', 'idc_webhook_url', 'idc_webhook_secret'] as const;

export interface KitClient {
  clientId: string;
  clientSecret: string | undefined;
  name: string;
  role: 'integrator' | 'recipient' | 'internal';
  redirectUris: string[];
  allowedDonors: string[];
  levels: Record<string, LevelRequirement[]>;
  logoUri: string | undefined;
  clientUri: string | undefined;
  policyUri: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
}

/** The provider's own first-party client: its share pages sign the user in through it (`response_type=none`). */
export const INTERNAL_CLIENT_ID = 'idc-provider-ui';

const IDENTITY_DOCUMENTS = ['passport', 'id_card', 'driving_license', 'residence_permit'];

export const BASIC_KYC_LEVEL: LevelRequirement[] = [
  { id: 'identity', label: 'Identity document', accepts: IDENTITY_DOCUMENTS, required: true },
  { id: 'address', label: 'Proof of address', accepts: ['proof_of_address'], required: true },
];

/** A level that takes more than the basic one (a selfie), so a consent given for the basic one does not cover it. */
export const SELFIE_KYC_LEVEL: LevelRequirement[] = [
  { id: 'identity', label: 'Identity document', accepts: IDENTITY_DOCUMENTS, required: true },
  { id: 'selfie', label: 'Selfie', accepts: ['selfie'], required: true },
];

/** The contract's demo fixtures. `integratorOrigin` gives the integrator's registered redirect URIs. */
export function demoClients(integratorOrigin: string, recipientOrigin: string): ClientMetadata[] {
  return [
    {
      client_id: 'demo-integrator',
      client_secret: 'demo-integrator-secret',
      client_name: 'Acme Marketplace',
      client_uri: integratorOrigin,
      redirect_uris: [`${integratorOrigin}/callback`, `${integratorOrigin}/share-callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      idc_role: 'integrator',
    },
    {
      ...recipient('demo-recipient', 'Regulated Bank', recipientOrigin, ['demo-integrator']),
      idc_levels: { 'basic-kyc-level': BASIC_KYC_LEVEL, 'selfie-kyc-level': SELFIE_KYC_LEVEL },
    },
    recipient('demo-recipient-2', 'Second Exchange', recipientOrigin, ['demo-integrator']),
    // its first (only) level takes a selfie, so its consent covers it (docs/security.md §38) and its reuse step runs
    // the provider's ownership check (§42)
    {
      ...recipient('demo-recipient-3', 'Regulated Insurer', recipientOrigin, ['demo-integrator']),
      idc_levels: { 'selfie-kyc-level': SELFIE_KYC_LEVEL },
    },
  ];
}

function recipient(clientId: string, name: string, origin: string, donors: string[]): ClientMetadata {
  return {
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    client_name: name,
    client_uri: origin,
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    idc_role: 'recipient',
    idc_allowed_donors: donors,
    idc_levels: { 'basic-kyc-level': BASIC_KYC_LEVEL },
    idc_webhook_url: `${origin}/webhooks/idc`,
    idc_webhook_secret: `${clientId}-webhook-secret`,
  };
}

export function internalClient(issuer: string): ClientMetadata {
  return {
    client_id: INTERNAL_CLIENT_ID,
    client_name: 'ID account',
    redirect_uris: [`${issuer}/share-resume`],
    grant_types: [],
    response_types: ['none'],
    token_endpoint_auth_method: 'none',
    idc_role: 'internal',
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
}

function isLevels(value: unknown): value is Record<string, LevelRequirement[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (reqs) =>
      Array.isArray(reqs) &&
      reqs.every(
        (r: Partial<LevelRequirement>) =>
          typeof r === 'object' &&
          r !== null &&
          typeof r.id === 'string' &&
          isStringArray(r.accepts) &&
          typeof r.required === 'boolean' &&
          (r.label === undefined || typeof r.label === 'string'),
      ),
  );
}

/** Thrown from oidc-provider's extraClientMetadata validator: a bad fixture fails at start, not at first use. */
export function validateExtraMetadata(key: string, value: unknown): void {
  if (value === undefined) return;
  const ok =
    key === 'idc_role'
      ? value === 'integrator' || value === 'recipient' || value === 'internal'
      : key === 'idc_allowed_donors'
        ? isStringArray(value)
        : key === 'idc_levels'
          ? isLevels(value)
          : key === 'idc_webhook_url'
            ? typeof value === 'string' && /^https?:\/\//.test(value)
            : key === 'idc_webhook_secret'
              ? typeof value === 'string' && value.length >= 16
              : true;
  if (!ok) throw new TypeError(`invalid client metadata ${key}`);
}

export function toKitClient(meta: ClientMetadata): KitClient {
  const role = meta['idc_role'];
  return {
    clientId: meta.client_id,
    clientSecret: meta.client_secret,
    name: meta.client_name ?? meta.client_id,
    role: role === 'recipient' || role === 'internal' ? role : 'integrator',
    redirectUris: [...(meta.redirect_uris ?? [])],
    allowedDonors: isStringArray(meta['idc_allowed_donors']) ? [...meta['idc_allowed_donors']] : [],
    levels: isLevels(meta['idc_levels']) ? structuredClone(meta['idc_levels']) : {},
    logoUri: meta.logo_uri,
    clientUri: meta.client_uri,
    policyUri: meta.policy_uri,
    webhookUrl: typeof meta['idc_webhook_url'] === 'string' ? meta['idc_webhook_url'] : undefined,
    webhookSecret: typeof meta['idc_webhook_secret'] === 'string' ? meta['idc_webhook_secret'] : undefined,
  };
}

/** Client lookup for the kit's routes (oidc-provider keeps its own copy of the same static list). */
export class ClientDirectory {
  readonly #clients = new Map<string, KitClient>();

  constructor(metadata: readonly ClientMetadata[]) {
    for (const meta of metadata) this.#clients.set(meta.client_id, toKitClient(meta));
  }

  get(clientId: string): KitClient | undefined {
    return this.#clients.get(clientId);
  }

  recipient(clientId: string): KitClient | undefined {
    const client = this.#clients.get(clientId);
    return client?.role === 'recipient' ? client : undefined;
  }

  integrator(clientId: string): KitClient | undefined {
    const client = this.#clients.get(clientId);
    return client?.role === 'integrator' ? client : undefined;
  }

  all(): KitClient[] {
    return [...this.#clients.values()];
  }
}
