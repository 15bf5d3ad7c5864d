/**
 * `idconnect-kit/svelte` — types only, opt-in: Svelte 5 template typings for every `idc-*` element, added to
 * `SvelteHTMLElements` (`svelte/elements`), so `svelte-check` checks `<idc-verify-button {authority}
 * onidc-success={…}>` as written:
 *
 *   // src/app.d.ts (or any .ts file the Svelte project includes)
 *   import type {} from 'idconnect-kit/svelte';
 *
 * Svelte 5 sets a custom element's prop as its property when the element has one (`shareLink`, `clientId`), else as
 * an attribute, and treats an attribute that starts with `on` as an event listener for the rest of its name
 * (`onidc-success` listens to `idc-success`). So each element accepts Svelte's HTML attributes, its properties, the
 * attributes spelled apart from them, and one `on<event>` prop per event it dispatches, typed (frameworks/elements.ts);
 * Svelte 4's `on:idc-success` directive is typed too. A hand-written declaration file, copied to
 * dist/types/frameworks/ by scripts/framework-types.mjs: the project does not install Svelte.
 */
import type { HTMLAttributes } from 'svelte/elements';
import type { IdcElements, IdcTagName } from './elements.js';

export type * from './elements.js';

/** A listener as Svelte types them: the event, with `currentTarget` the element. */
type SvelteListener<E, El> = (event: E & { currentTarget: EventTarget & El }) => unknown;

/** Svelte's event props for one element's events: `onidc-success` (Svelte 5) and `on:idc-success` (Svelte 4). */
export type IdcSvelteEventProps<Events, El> = {
  [Name in keyof Events & string as `on${Name}`]?: SvelteListener<Events[Name], El>;
} & {
  [Name in keyof Events & string as `on:${Name}`]?: SvelteListener<Events[Name], El>;
};

/** The template props of one element. */
export type IdcSvelteElementProps<Tag extends IdcTagName> = HTMLAttributes<IdcElements[Tag]['element']> &
  IdcElements[Tag]['properties'] &
  IdcElements[Tag]['attributes'] &
  IdcSvelteEventProps<IdcElements[Tag]['events'], IdcElements[Tag]['element']>;

declare module 'svelte/elements' {
  export interface SvelteHTMLElements {
    'idc-verify-button': IdcSvelteElementProps<'idc-verify-button'>;
    'idc-share-button': IdcSvelteElementProps<'idc-share-button'>;
    'idc-consent-screen': IdcSvelteElementProps<'idc-consent-screen'>;
    'idc-reuse-selection': IdcSvelteElementProps<'idc-reuse-selection'>;
    'idc-liveness-check': IdcSvelteElementProps<'idc-liveness-check'>;
  }
}
