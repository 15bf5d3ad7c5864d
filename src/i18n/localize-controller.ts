/**
 * Lit controller for elements that watch their language from the start (the provider screens): `this.l10n.t('key')`
 * in `render()`, and a re-render when any `lang` attribute in the document or the browser's languages change.
 */
import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import { watchLanguage } from './language-watch.js';
import { Localizer, type Table } from './localize.js';

export class LocalizeController<K extends string> extends Localizer<K> implements ReactiveController {
  private stop?: () => void;

  constructor(
    private readonly element: ReactiveControllerHost & HTMLElement,
    table: Table<K>,
  ) {
    super(element, table);
    element.addController(this);
  }

  hostConnected(): void {
    this.stop ??= watchLanguage(() => this.element.requestUpdate());
  }

  hostDisconnected(): void {
    this.stop?.();
    this.stop = undefined;
  }
}
