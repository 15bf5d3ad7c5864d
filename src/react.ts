/**
 * `idconnect-kit/react` — React components for the kit's elements, made with `@lit/react`'s `createComponent`, for
 * React 18 (which passes every prop to a custom element as an attribute and listens to no custom event) and React 19
 * alike. Importing this module registers the four integrator and screen elements (their define modules, guarded: a
 * second copy of the kit is harmless); the provider's `<idc-liveness-check>` has its own entry,
 * `idconnect-kit/react/liveness-check`, so its camera code never reaches an app that only shows the buttons. Each
 * component sets the element's properties (`shareLink`, `clientId`, …) after render, and its event props follow
 * `@lit/react`'s convention, `on` + the event name in PascalCase:
 *
 *   <IdcVerifyButton authority={issuer} clientId="shop" onIdcSuccess={(e) => send(e.detail)} onIdcError={…} />
 *
 * Properties and listeners are applied in a layout effect, so they also reach an element that a server rendered and
 * React hydrated (README "Frameworks"); the server writes only the plain attributes (`id`, `class`, `lang`, `aria-*`,
 * `data-*`, kebab-case attribute names). `react` is a peer dependency (optional: only this entry needs it).
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { IdcVerifyButton as VerifyButtonElement } from './components/verify-button/define.js';
import { IdcShareButton as ShareButtonElement } from './components/share-button/define.js';
import { IdcConsentScreen as ConsentScreenElement } from './components/consent-screen/define.js';
import { IdcReuseSelection as ReuseSelectionElement } from './components/reuse-selection/define.js';
import type {
  IdcConsentScreenEventMap,
  IdcReuseSelectionEventMap,
  IdcShareButtonEventMap,
  IdcVerifyButtonEventMap,
} from './frameworks/elements.js';

export type * from './frameworks/elements.js';

/** `idc-success` → `Success`… : an event name's words after `idc-`, each capitalized. */
export type Pascal<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<Name>;

/** The `events` option of `createComponent` for an element's event map: `onIdcSuccess` → `'idc-success'`, typed. */
export type WrapperEvents<Events> = { [Name in keyof Events & string as `on${Pascal<Name>}`]: EventName<Events[Name] & Event> };

/** `<idc-verify-button>`: `onIdcStart`, `onIdcSuccess`, `onIdcCancel`, `onIdcError`, `onIdcFallback`. */
export const IdcVerifyButton = createComponent({
  react: React,
  tagName: 'idc-verify-button',
  elementClass: VerifyButtonElement,
  displayName: 'IdcVerifyButton',
  events: {
    onIdcStart: 'idc-start' as EventName<IdcVerifyButtonEventMap['idc-start']>,
    onIdcSuccess: 'idc-success' as EventName<IdcVerifyButtonEventMap['idc-success']>,
    onIdcCancel: 'idc-cancel' as EventName<IdcVerifyButtonEventMap['idc-cancel']>,
    onIdcError: 'idc-error' as EventName<IdcVerifyButtonEventMap['idc-error']>,
    onIdcFallback: 'idc-fallback' as EventName<IdcVerifyButtonEventMap['idc-fallback']>,
  } satisfies WrapperEvents<IdcVerifyButtonEventMap>,
});

/**
 * `<idc-share-button>`: `onIdcStart`, `onIdcConsent`, `onIdcCancel`, `onIdcError`, `onIdcFallback`. Pass `shareLink`
 * as a function (`({ state }) => Promise<string>`): it is set as the element's property.
 */
export const IdcShareButton = createComponent({
  react: React,
  tagName: 'idc-share-button',
  elementClass: ShareButtonElement,
  displayName: 'IdcShareButton',
  events: {
    onIdcStart: 'idc-start' as EventName<IdcShareButtonEventMap['idc-start']>,
    onIdcConsent: 'idc-consent' as EventName<IdcShareButtonEventMap['idc-consent']>,
    onIdcCancel: 'idc-cancel' as EventName<IdcShareButtonEventMap['idc-cancel']>,
    onIdcError: 'idc-error' as EventName<IdcShareButtonEventMap['idc-error']>,
    onIdcFallback: 'idc-fallback' as EventName<IdcShareButtonEventMap['idc-fallback']>,
  } satisfies WrapperEvents<IdcShareButtonEventMap>,
});

/** `<idc-consent-screen>`: `onIdcConsentDecision`, `onIdcSwitchAccount`. */
export const IdcConsentScreen = createComponent({
  react: React,
  tagName: 'idc-consent-screen',
  elementClass: ConsentScreenElement,
  displayName: 'IdcConsentScreen',
  events: {
    onIdcConsentDecision: 'idc-consent-decision' as EventName<IdcConsentScreenEventMap['idc-consent-decision']>,
    onIdcSwitchAccount: 'idc-switch-account' as EventName<IdcConsentScreenEventMap['idc-switch-account']>,
  } satisfies WrapperEvents<IdcConsentScreenEventMap>,
});

/** `<idc-reuse-selection>`: `onIdcReuseSelect`, `onIdcCancel`. */
export const IdcReuseSelection = createComponent({
  react: React,
  tagName: 'idc-reuse-selection',
  elementClass: ReuseSelectionElement,
  displayName: 'IdcReuseSelection',
  events: {
    onIdcReuseSelect: 'idc-reuse-select' as EventName<IdcReuseSelectionEventMap['idc-reuse-select']>,
    onIdcCancel: 'idc-cancel' as EventName<IdcReuseSelectionEventMap['idc-cancel']>,
  } satisfies WrapperEvents<IdcReuseSelectionEventMap>,
});

/** The props of each component (for a wrapper of your own): `React.ComponentProps<typeof IdcVerifyButton>`. */
export type IdcVerifyButtonProps = React.ComponentProps<typeof IdcVerifyButton>;
export type IdcShareButtonProps = React.ComponentProps<typeof IdcShareButton>;
export type IdcConsentScreenProps = React.ComponentProps<typeof IdcConsentScreen>;
export type IdcReuseSelectionProps = React.ComponentProps<typeof IdcReuseSelection>;
