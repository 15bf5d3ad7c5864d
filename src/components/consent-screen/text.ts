/**
 * Safe rendering helpers for the provider screens (docs/security.md §28): every user- or client-provided string is a Lit
 * text binding wrapped in `<bdi>`; URLs become links only for http(s) and images only for https.
 */
import { html, type TemplateResult } from 'lit';

/** A value isolated for bidi (a name with U+202E cannot reorder the sentence around it), always rendered as text. */
export const isolate = (value: unknown): TemplateResult => html`<bdi>${String(value ?? '')}</bdi>`;

/**
 * Fills a translated template (`'{integrator} wants …'`) with text or template values. The template itself is text too:
 * the result is an array of Lit text parts, so nothing in a table or a variable is ever parsed as HTML.
 */
export function fill(template: string, vars: Record<string, unknown>): unknown[] {
  return template
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 === 0 ? part : part in vars ? vars[part] : `{${part}}`));
}

function parse(url: unknown): URL | undefined {
  if (typeof url !== 'string' || url.trim() === '') return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** The URL when it is absolute http(s); `javascript:`, `data:` and relative junk give undefined (no link). */
export function linkUrl(url: unknown): string | undefined {
  const u = parse(url);
  return u && (u.protocol === 'https:' || u.protocol === 'http:') ? u.href : undefined;
}

/** The URL when it is absolute https (logos are never loaded over http or from data:). */
export function imageUrl(url: unknown): string | undefined {
  const u = parse(url);
  return u?.protocol === 'https:' ? u.href : undefined;
}

/** `Intl` constructors throw on malformed tags (`lang="en_US!"`): fall back to the browser default. */
export function intl<T>(make: (locale: string | undefined) => T, locale: string): T {
  try {
    return make(locale);
  } catch {
    return make(undefined);
  }
}
