import { documentStatus, type DocumentStatus, type VerifiedDocument } from './accounts.js';
import type { LevelRequirement } from './clients.js';
import { HttpError } from '../shared/http.js';

/** A document as the recipient's reuse step sees it (the `documents` item of `<idc-reuse-selection>`). */
export interface ReuseDocument {
  id: string;
  type: string;
  label?: string;
  country?: string;
  issuedAt?: string;
  expiresAt?: string;
  status: DocumentStatus;
}

export interface Selection {
  requirementId: string;
  documentId: string;
}

export interface ResolvedSelection {
  chosen: { requirementId: string; document: VerifiedDocument }[];
  /** required requirements that get no document (to be collected fresh) */
  missing: string[];
}

export function toReuseDocument(doc: VerifiedDocument): ReuseDocument {
  const { id, type, label, country, issuedAt, expiresAt } = doc;
  return { id, type, label, country, issuedAt, expiresAt, status: documentStatus(doc) };
}

/** Documents any requirement of the level could use; unrelated documents are not disclosed. */
export function relevantDocuments(docs: VerifiedDocument[], level: LevelRequirement[]): VerifiedDocument[] {
  const accepted = new Set(level.flatMap((r) => r.accepts));
  return docs.filter((d) => accepted.has(d.type));
}

/** Verified and not expired: what may be shared. */
export const reusable = (doc: VerifiedDocument) => documentStatus(doc) === 'verified';
const newestFirst = (a: VerifiedDocument, b: VerifiedDocument) => (b.issuedAt ?? '').localeCompare(a.issuedAt ?? '');

function refuse(description: string): never {
  throw new HttpError(400, 'invalid_selection', description);
}

/** Parses `selections` from a request body: a non-empty array of `{ requirementId, documentId }` strings. */
export function parseSelections(value: unknown): Selection[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) refuse('selections must be an array');
  if (value.length === 0) refuse('selections must not be empty');
  if (value.length > 32) refuse('too many selections');
  return value.map((item: unknown) => {
    const s = item as Partial<Selection> | null;
    if (typeof s !== 'object' || s === null || typeof s.requirementId !== 'string' || typeof s.documentId !== 'string') {
      refuse('each selection needs a string requirementId and documentId');
    }
    return { requirementId: s.requirementId, documentId: s.documentId };
  });
}

/**
 * What gets shared for a level. Without selections: the newest reusable document per requirement. With them:
 * every selection is re-checked (known requirement, the account's own document, verified and unexpired, of an
 * accepted type, each used once); any fault refuses the whole selection.
 */
export function resolveSelection(
  docs: VerifiedDocument[],
  level: LevelRequirement[],
  selections: Selection[] | undefined,
): ResolvedSelection {
  const chosen: ResolvedSelection['chosen'] = [];
  const used = new Set<string>();
  if (selections === undefined) {
    for (const req of level) {
      const doc = docs
        .filter((d) => req.accepts.includes(d.type) && reusable(d) && !used.has(d.id))
        .sort(newestFirst)[0];
      if (doc) {
        used.add(doc.id);
        chosen.push({ requirementId: req.id, document: doc });
      }
    }
  } else {
    const seenReqs = new Set<string>();
    for (const sel of selections) {
      const req = level.find((r) => r.id === sel.requirementId);
      if (!req) refuse(`unknown requirement ${sel.requirementId}`);
      if (seenReqs.has(req.id)) refuse(`requirement ${req.id} selected twice`);
      if (used.has(sel.documentId)) refuse('a document can be selected once only');
      const doc = docs.find((d) => d.id === sel.documentId);
      if (!doc) refuse('a selected document is not available for this account');
      if (!reusable(doc)) refuse(`document ${doc.id} is not verified and valid`);
      if (!req.accepts.includes(doc.type)) refuse(`document ${doc.id} does not fit requirement ${req.id}`);
      seenReqs.add(req.id);
      used.add(doc.id);
      chosen.push({ requirementId: req.id, document: doc });
    }
  }
  const covered = new Set(chosen.map((c) => c.requirementId));
  const missing = level.filter((r) => r.required && !covered.has(r.id)).map((r) => r.id);
  return { chosen, missing };
}
