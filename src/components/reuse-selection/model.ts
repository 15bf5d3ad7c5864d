/**
 * What can be reused for each requirement — pure functions, no DOM, so the rules are easy to read and test.
 * A document is reusable when its status is `verified` and its `expiresAt` (ISO `YYYY-MM-DD`) is not before today.
 * The server re-checks every choice (docs/security.md §30); this only decides what the screen offers.
 */

export type DocumentStatus = 'verified' | 'expired' | 'rejected' | 'pending';

export interface ReuseDocument {
  id: string;
  type: string;
  label?: string;
  country?: string;
  issuedAt?: string;
  expiresAt?: string;
  status: DocumentStatus;
}

export interface ReuseRequirement {
  id: string;
  label?: string;
  accepts: string[];
  required: boolean;
}

export interface ReuseRecipient {
  name: string;
}

export interface ReuseSelectionItem {
  requirementId: string;
  documentId: string;
}

export interface IdcReuseSelectDetail {
  selections: ReuseSelectionItem[];
  /** Required requirements with nothing reusable: to be collected fresh. */
  missing: string[];
}

/** Why a matching document cannot be reused. `invalid`: unknown status or a malformed expiry date. */
export type Blocker = 'expired' | 'rejected' | 'pending' | 'invalid';

export interface RequirementView {
  requirement: ReuseRequirement;
  /** Reusable matches, newest `issuedAt` first (the first one is preselected). */
  reusable: ReuseDocument[];
  /** Matches that are shown but cannot be chosen. */
  blocked: { doc: ReuseDocument; reason: Blocker }[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Today's date in the user's time zone as `YYYY-MM-DD`. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Undefined when `doc` can be reused on `day`, else the reason it cannot. */
export function blocker(doc: ReuseDocument, day: string): Blocker | undefined {
  if (doc.status === 'expired' || doc.status === 'rejected' || doc.status === 'pending') return doc.status;
  if (doc.status !== 'verified') return 'invalid';
  if (doc.expiresAt == null || doc.expiresAt === '') return undefined;
  if (typeof doc.expiresAt !== 'string' || !ISO_DATE.test(doc.expiresAt)) return 'invalid';
  return doc.expiresAt.slice(0, 10) < day ? 'expired' : undefined;
}

function issued(doc: ReuseDocument): string {
  return typeof doc.issuedAt === 'string' && ISO_DATE.test(doc.issuedAt) ? doc.issuedAt : '';
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? value.filter((v) => v && typeof v === 'object') : []);

export function buildViews(documents: unknown, requirements: unknown, day: string): RequirementView[] {
  const docs = list<ReuseDocument>(documents);
  return list<ReuseRequirement>(requirements).map((requirement) => {
    const accepts = Array.isArray(requirement.accepts) ? requirement.accepts : [];
    const view: RequirementView = { requirement, reusable: [], blocked: [] };
    for (const doc of docs) {
      if (!accepts.includes(doc.type)) continue;
      const reason = blocker(doc, day);
      if (reason) view.blocked.push({ doc, reason });
      else view.reusable.push(doc);
    }
    // Newest first; documents without a date last; ties keep their order (Array.prototype.sort is stable).
    view.reusable.sort((a, b) => (issued(a) < issued(b) ? 1 : issued(a) > issued(b) ? -1 : 0));
    return view;
  });
}

/** The preselection: the newest reusable document of each requirement, '' where there is none. */
export function defaultChoice(views: RequirementView[]): string[] {
  return views.map((v) => v.reusable[0]?.id ?? '');
}

/**
 * The event detail for a choice ('' = nothing / "don't share"). A choice that is not one of the reusable documents of
 * its requirement is never sent: an optional requirement is then left out, a required one gets its newest document.
 */
export function toDetail(views: RequirementView[], choice: string[]): IdcReuseSelectDetail {
  const selections: ReuseSelectionItem[] = [];
  const missing: string[] = [];
  views.forEach((view, i) => {
    // A required requirement always gets a document when one is reusable (it offers no "don't share").
    const doc =
      view.reusable.find((d) => d.id === choice[i]) ?? (view.requirement.required ? view.reusable[0] : undefined);
    if (doc) selections.push({ requirementId: view.requirement.id, documentId: doc.id });
    else if (view.requirement.required && view.reusable.length === 0) missing.push(view.requirement.id);
  });
  return { selections, missing };
}
