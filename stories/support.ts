// Helpers shared by the stories: events go to the Actions panel through the action args that
// .storybook/manifest-arg-types.ts derives from the manifest (`idc-success` → `onIdcSuccess`).
import { eventArgName } from '../.storybook/manifest-arg-types.js';

/**
 * A listener for `@event=${logged(args, 'idc-success')}`: hands the event's detail to the story's action for that event,
 * so the panel shows `idc-success` with `{ code, codeVerifier, … }` rather than an opaque event object.
 */
export function logged(args: object, event: string): (e: Event) => void {
  return (e) => {
    const action = (args as Record<string, unknown>)[eventArgName(event)];
    if (typeof action === 'function') action((e as CustomEvent<unknown>).detail);
  };
}

/** Clicks the native button inside the first `selector` in the story's root (the button's own shadow DOM). */
export function clickInside(root: HTMLElement, selector: string): void {
  const el = root.querySelector(selector) as HTMLElement | null;
  el?.shadowRoot?.querySelector<HTMLButtonElement>('button[part="base"]')?.click();
}
