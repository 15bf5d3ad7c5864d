/**
 * Language resolution and translation lookup shared by every element.
 *
 * Order (contract): the nearest `[lang]` ancestor, crossing shadow roots, then `navigator.languages`, then English.
 * Tables are per element (`src/i18n/tables/*.ts`) so a bundle carries only the strings of the elements it ships.
 */

export const LANGS = ['en', 'de', 'es', 'fr', 'ar'] as const;
export type Lang = (typeof LANGS)[number];

/** A translation table: English is complete and the fallback; other languages must have every key too. */
export type Table<K extends string> = Record<Lang, Record<K, string>>;

/** The table languages written right to left. */
const RTL: ReadonlySet<string> = new Set<Lang>(['ar']);

/** The BCP 47 tag that applies to `el`: nearest `[lang]` (through shadow roots), else the browser's first language. */
export function resolveLocale(el: Element | null): string {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element) {
      const lang = node.getAttribute('lang');
      if (lang) return lang;
    }
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return navigator.languages?.[0] || navigator.language || 'en';
}

/** Picks the table language for a BCP 47 tag: exact base-language match, else English. */
export function tableLang(locale: string): Lang {
  const base = locale.toLowerCase().split(/[-_]/)[0] as Lang;
  return (LANGS as readonly string[]).includes(base) ? base : 'en';
}

/**
 * Whether the text shown for `locale` reads right to left. It follows the table language, not the page: on a Hebrew
 * page the English fallback text keeps left-to-right (its punctuation and the spinner stay where English puts them).
 */
export function isRtl(locale: string): boolean {
  return RTL.has(tableLang(locale));
}

/** Replaces `{name}` placeholders. Values are inserted as text by Lit, never as HTML. */
export function format(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function translate<K extends string>(
  table: Table<K>,
  locale: string,
  key: K,
  vars?: Record<string, string | number>,
): string {
  const lang = tableLang(locale);
  return format(table[lang][key] ?? table.en[key], vars);
}

/**
 * An element's texts: `this.l10n.t('key')` when it renders, in the language in force for the element (its nearest
 * `[lang]`, then the browser). It does not watch for changes: `LocalizeController` (the screens) does that from the
 * start; the buttons start `watchLanguage` with their idle warm-up, as it is not needed to paint.
 */
export class Localizer<K extends string> {
  constructor(
    protected readonly host: HTMLElement,
    private readonly table: Table<K>,
  ) {}

  /** The BCP 47 tag in force, for `Intl` formatters and `ui_locales`. */
  get locale(): string {
    return resolveLocale(this.host);
  }

  get dir(): 'ltr' | 'rtl' {
    return isRtl(this.locale) ? 'rtl' : 'ltr';
  }

  t(key: K, vars?: Record<string, string | number>): string {
    return translate(this.table, this.locale, key, vars);
  }
}
