/**
 * Prefix of the popup's `window.name` — a hint for the callback that it runs in our popup. Its own module (re-exported
 * by messages.ts): the button's first-paint path needs this one name, not the whole message vocabulary.
 */
export const POPUP_NAME_PREFIX = 'idconnect-kit-';
