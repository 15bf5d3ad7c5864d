/**
 * `idconnect-kit/jsx-react` — types only, opt-in: React 19's JSX typings for every `idc-*` element, so a React 19 app
 * writes the elements themselves and type-checks as written:
 *
 *   import type {} from 'idconnect-kit/jsx-react';          // once, anywhere in the app (or tsconfig "types")
 *   <idc-verify-button authority={issuer} clientId="shop" onidc-success={(e) => send(e.detail.code)} />
 *
 * React 19 sets a prop as the element's property when the element has one (`clientId`, `shareLink`), else as an
 * attribute (`client-id`), and listens to a custom event through `on` + the event's exact name (`onidc-success`).
 * So each element accepts its properties, the attributes spelled apart from them, and one `on<event>` prop per event
 * it dispatches, receiving that event typed (frameworks/elements.ts). Opt-in, because it needs React's types: it
 * augments `React.JSX.IntrinsicElements` (`declare module 'react'`, the place @types/react 19 reads for the
 * `react-jsx` runtime) only in a program that references this file. React 18 does neither properties nor custom
 * events: use `idconnect-kit/react` there (README "Frameworks").
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { IdcElements, IdcTagName } from './elements.js';

export type * from './elements.js';

/** React 19's custom-event props: `on` + the exact event name, e.g. `onidc-success`, given the typed event. */
export type ReactCustomEventProps<Events> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name]) => void;
};

/** The JSX props of one element: React's HTML props, its properties and attributes, and its events. */
export type IdcReactElementProps<Tag extends IdcTagName> = DetailedHTMLProps<
  HTMLAttributes<IdcElements[Tag]['element']>,
  IdcElements[Tag]['element']
> &
  IdcElements[Tag]['properties'] &
  IdcElements[Tag]['attributes'] &
  ReactCustomEventProps<IdcElements[Tag]['events']>;

/** Every element's JSX props, by tag: what this file adds to `React.JSX.IntrinsicElements`. */
export type IdcReactIntrinsicElements = { [Tag in IdcTagName]: IdcReactElementProps<Tag> };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- React's JSX namespace is augmented where it is declared.
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the augmentation adds members through `extends`.
    interface IntrinsicElements extends IdcReactIntrinsicElements {}
  }
}
