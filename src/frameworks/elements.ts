/**
 * What a framework template can say to each `idc-*` element, as types only, shared by the typings of every framework
 * (jsx-react.ts, vue.d.ts, svelte.d.ts) and by the React wrappers (src/react.ts): the properties a host sets, the
 * attributes whose names differ from their property's, and the events each element dispatches with their details.
 * No run-time code: importing this module costs nothing.
 *
 * The lists follow README "Elements" and the generated custom-elements.json: test/node/build/typings.test.ts compiles
 * a use of every attribute, property and event the manifest lists against these types, so an element that gains one
 * fails the test until it is added here.
 */
import type { IdcConsentDecisionDetail, IdcConsentScreen } from '../components/consent-screen/consent-screen.js';
import type {
  IdcLivenessCheck,
  IdcLivenessCompleteDetail,
  IdcLivenessErrorDetail,
} from '../components/liveness-check/liveness-check.js';
import type { IdcReuseSelectDetail, IdcReuseSelection } from '../components/reuse-selection/reuse-selection.js';
import type {
  IdcCancelDetail,
  IdcConsentDetail,
  IdcErrorDetail,
  IdcFallbackDetail,
  IdcStartDetail,
  IdcSuccessDetail,
} from '../components/shared/events.js';
import type { IdcShareButton } from '../components/share-button/share-button.js';
import type { IdcVerifyButton } from '../components/verify-button/verify-button.js';

export type {
  IdcCancelDetail,
  IdcConsentDecisionDetail,
  IdcConsentDetail,
  IdcErrorDetail,
  IdcFallbackDetail,
  IdcLivenessCompleteDetail,
  IdcLivenessErrorDetail,
  IdcReuseSelectDetail,
  IdcStartDetail,
  IdcSuccessDetail,
};

/** The detail of `idc-switch-account`: an empty object. */
export type IdcSwitchAccountDetail = Record<string, never>;

// ---------------------------------------------------------------------------------------------------------------
// Events, by element: name → the CustomEvent it dispatches (every one bubbles and is composed).

/** The events of `<idc-verify-button>`. */
export interface IdcVerifyButtonEventMap {
  /** Cancelable: `preventDefault()` stops the flow before any window opens. */
  'idc-start': CustomEvent<IdcStartDetail>;
  /** The code, its PKCE verifier and the nonce: send them to the backend at once (codes live ~60 s). */
  'idc-success': CustomEvent<IdcSuccessDetail>;
  'idc-cancel': CustomEvent<IdcCancelDetail>;
  'idc-error': CustomEvent<IdcErrorDetail>;
  /** Cancelable: `preventDefault()` stops the popup→redirect fallback navigation. */
  'idc-fallback': CustomEvent<IdcFallbackDetail>;
}

/** The events of `<idc-share-button>`. */
export interface IdcShareButtonEventMap {
  /** Cancelable: `preventDefault()` stops the flow before any window opens. */
  'idc-start': CustomEvent<IdcStartDetail>;
  /** The provider-signed consent token, for the backend to verify. */
  'idc-consent': CustomEvent<IdcConsentDetail>;
  'idc-cancel': CustomEvent<IdcCancelDetail>;
  'idc-error': CustomEvent<IdcErrorDetail>;
  /** Cancelable: `preventDefault()` stops the popup→redirect fallback navigation. */
  'idc-fallback': CustomEvent<IdcFallbackDetail>;
}

/** The events of `<idc-consent-screen>`. */
export interface IdcConsentScreenEventMap {
  /** Allow or Decline; sent once. */
  'idc-consent-decision': CustomEvent<IdcConsentDecisionDetail>;
  /** "Not you?". */
  'idc-switch-account': CustomEvent<IdcSwitchAccountDetail>;
}

/** The events of `<idc-reuse-selection>`. */
export interface IdcReuseSelectionEventMap {
  /** Share selected. */
  'idc-reuse-select': CustomEvent<IdcReuseSelectDetail>;
  /** Cancel: `{ reason: 'user' }`. */
  'idc-cancel': CustomEvent<IdcCancelDetail>;
}

/** The events of `<idc-liveness-check>`. Its `idc-error` carries the ownership check's codes. */
export interface IdcLivenessCheckEventMap {
  /** The provider has the capture; its decision arrives server-side. */
  'idc-liveness-complete': CustomEvent<IdcLivenessCompleteDetail>;
  'idc-error': CustomEvent<IdcLivenessErrorDetail>;
  /** Cancel: `{ reason: 'user' }`. */
  'idc-cancel': CustomEvent<IdcCancelDetail>;
}

// ---------------------------------------------------------------------------------------------------------------
// Properties a host sets. `pending` of the buttons is left out: it is read-only for hosts (writes are ignored).

type LookProperty = 'variant' | 'theme' | 'size' | 'shape' | 'fullWidth';
type FlowProperty = 'mode' | 'fallback' | 'timeout' | 'redirectUri' | 'disabled';

/** The properties of `<idc-verify-button>` a host sets. */
export type IdcVerifyButtonProperties = Partial<
  Pick<IdcVerifyButton, 'authority' | 'clientId' | 'scope' | 'providerName' | 'loginHint' | FlowProperty | LookProperty>
>;

/** The properties of `<idc-share-button>` a host sets; `shareLink` is a property only (a function or a string). */
export type IdcShareButtonProperties = Partial<
  Pick<IdcShareButton, 'shareLink' | 'recipientName' | 'state' | FlowProperty | LookProperty>
>;

/** The properties of `<idc-consent-screen>` a host sets. */
export type IdcConsentScreenProperties = Partial<
  Pick<
    IdcConsentScreen,
    'kind' | 'integrator' | 'recipient' | 'dataItems' | 'account' | 'providerName' | 'pending' | 'armDelay' | 'theme'
  >
>;

/** The properties of `<idc-reuse-selection>` a host sets. */
export type IdcReuseSelectionProperties = Partial<
  Pick<IdcReuseSelection, 'documents' | 'requirements' | 'recipient' | 'pending' | 'theme'>
>;

/** The properties of `<idc-liveness-check>` a host sets (`getCamera` and `timing` are for tests). */
export type IdcLivenessCheckProperties = Partial<
  Pick<IdcLivenessCheck, 'session' | 'challenge' | 'uploadUrl' | 'modelBase' | 'theme' | 'getCamera' | 'timing'>
>;

// ---------------------------------------------------------------------------------------------------------------
// Attributes whose names differ from their property's (the others — `authority`, `mode`, `theme`, … — are spelled the
// same, and their property types above cover them). A server render can only write attributes, so these are what a
// server-rendered page uses; values are what HTML can carry.

interface FlowButtonAttributes {
  /** Where the provider sends the browser back; default: the page URL without query and hash. */
  'redirect-uri'?: string;
  /** Stretch to the width of the container (boolean attribute). */
  'full-width'?: boolean;
}

/** `<idc-verify-button>` attributes spelled apart from their property. */
export interface IdcVerifyButtonAttributes extends FlowButtonAttributes {
  /** The integrator's client id (property `clientId`). Required. */
  'client-id'?: string;
  /** Shown in the label "Verify with {provider-name}" (property `providerName`). */
  'provider-name'?: string;
  /** Sent to the provider as `login_hint` (property `loginHint`). */
  'login-hint'?: string;
}

/** `<idc-share-button>` attributes spelled apart from their property. */
export interface IdcShareButtonAttributes extends FlowButtonAttributes {
  /** Shown in the label "Continue to {recipient-name}" (property `recipientName`). */
  'recipient-name'?: string;
}

/** `<idc-consent-screen>` attributes spelled apart from their property. */
export interface IdcConsentScreenAttributes {
  /** What will be shared, as JSON `[{ "id", "label" }]` (property `dataItems`). */
  'data-items'?: string;
  /** Name of the identity account service (property `providerName`). */
  'provider-name'?: string;
  /** Milliseconds before Allow is armed, 300–1000 (property `armDelay`). */
  'arm-delay'?: number | string;
}

/** `<idc-reuse-selection>` has no attribute spelled apart from its property. */
export type IdcReuseSelectionAttributes = object;

/** `<idc-liveness-check>` attributes spelled apart from their property (`challenge` is space-separated as one). */
export interface IdcLivenessCheckAttributes {
  /** Where the capture goes: a same-origin URL (property `uploadUrl`). */
  'upload-url'?: string;
  /** Same-origin directory of the guidance model library (property `modelBase`). */
  'model-base'?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// One record per element, for the framework typings to map over.

/** Each element's class, properties, attributes and events, by tag. */
export interface IdcElements {
  'idc-verify-button': {
    element: IdcVerifyButton;
    properties: IdcVerifyButtonProperties;
    attributes: IdcVerifyButtonAttributes;
    events: IdcVerifyButtonEventMap;
  };
  'idc-share-button': {
    element: IdcShareButton;
    properties: IdcShareButtonProperties;
    attributes: IdcShareButtonAttributes;
    events: IdcShareButtonEventMap;
  };
  'idc-consent-screen': {
    element: IdcConsentScreen;
    properties: IdcConsentScreenProperties;
    attributes: IdcConsentScreenAttributes;
    events: IdcConsentScreenEventMap;
  };
  'idc-reuse-selection': {
    element: IdcReuseSelection;
    properties: IdcReuseSelectionProperties;
    attributes: IdcReuseSelectionAttributes;
    events: IdcReuseSelectionEventMap;
  };
  'idc-liveness-check': {
    element: IdcLivenessCheck;
    properties: IdcLivenessCheckProperties;
    attributes: IdcLivenessCheckAttributes;
    events: IdcLivenessCheckEventMap;
  };
}

/** The tags of the kit's elements. */
export type IdcTagName = keyof IdcElements;
