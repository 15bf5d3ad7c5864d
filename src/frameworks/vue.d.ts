/**
 * `idconnect-kit/vue` — types only, opt-in: Vue 3 template typings for every `idc-*` element, as `GlobalComponents`,
 * so `vue-tsc` (and the editor) checks `<idc-verify-button :shareLink="…" @idc-success="…">` as written:
 *
 *   // env.d.ts (or any .ts file of the app)
 *   import type {} from 'idconnect-kit/vue';
 *
 * Vue reads a component's template props from the type of `$props` and its events from `$emit`; a custom element has
 * neither at run time, so each tag gets a constructor type whose instance adds both as types only (the recipe of the
 * Vue guide's "Web Components and TypeScript"). Props: the element's properties (camelCase: Vue sets a DOM property
 * when the element has one), the attributes spelled apart from them, and Vue's HTML attributes; events: each one the
 * element dispatches, typed (frameworks/elements.ts). Tell Vue's compiler the `idc-` tags are custom elements
 * (`compilerOptions.isCustomElement`), README "Frameworks". A hand-written declaration file, copied to
 * dist/types/frameworks/ by scripts/framework-types.mjs: the project does not install Vue.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { IdcElements, IdcTagName } from './elements.js';

export type * from './elements.js';

/** One element's events in the shape Vue's `$emit` type expects: name → `(event) => void`. */
export type IdcVueEmits<Events> = { [Name in keyof Events & string]: (event: Events[Name]) => void };

/** The template type of one element: the element, plus `$props` and `$emit` for Vue's template checker. */
export type IdcVueElement<Tag extends IdcTagName> = new () => IdcElements[Tag]['element'] & {
  /** @deprecated Template types only: a custom element has no `$props`. */
  $props: HTMLAttributes & IdcElements[Tag]['properties'] & IdcElements[Tag]['attributes'] & PublicProps;
  /** @deprecated Template types only: a custom element has no `$emit`. */
  $emit: EmitFn<IdcVueEmits<IdcElements[Tag]['events']>>;
};

declare module 'vue' {
  interface GlobalComponents {
    'idc-verify-button': IdcVueElement<'idc-verify-button'>;
    'idc-share-button': IdcVueElement<'idc-share-button'>;
    'idc-consent-screen': IdcVueElement<'idc-consent-screen'>;
    'idc-reuse-selection': IdcVueElement<'idc-reuse-selection'>;
    'idc-liveness-check': IdcVueElement<'idc-liveness-check'>;
  }
}
