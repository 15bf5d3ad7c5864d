/**
 * The record a share-consent redirect leaves in sessionStorage (keyed by the expected state) so the page can tell,
 * on return, that the `token` in its address bar answers its own request. Single use; abandoned ones expire.
 */
import { SHARE_STORE_PREFIX } from '../../callback/messages.js';

/** A share redirect record older than this is abandoned. */
const RECORD_TTL_MS = 60 * 60 * 1000;

export interface ShareRecord {
  data: { mode: 'redirect'; kind: 'share' };
  /** The expected state (the host's or the generated one); null only in a record of an older version of the kit. */
  state: string | null;
  redirectUri: string;
  created: number;
}

export function shareRecordKeys(): string[] {
  try {
    const storage = window.sessionStorage;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(SHARE_STORE_PREFIX)) keys.push(key);
    }
    return keys;
  } catch {
    return [];
  }
}

export function removeShareRecords(): void {
  for (const key of shareRecordKeys()) {
    try {
      window.sessionStorage.removeItem(key);
    } catch {
      // storage gone
    }
  }
}

/** Takes (reads and removes) the share redirect record; single use. */
export function takeShareRecord(): ShareRecord | null {
  let found: ShareRecord | null = null;
  for (const key of shareRecordKeys()) {
    try {
      const record = JSON.parse(window.sessionStorage.getItem(key) ?? 'null') as ShareRecord | null;
      if (record?.data?.mode === 'redirect' && Date.now() - record.created < RECORD_TTL_MS) found ??= record;
    } catch {
      // unreadable: dropped below
    }
  }
  removeShareRecords();
  return found;
}
