/**
 * `idconnect-kit/react/liveness-check` — the React component for the provider's ownership check,
 * `<idc-liveness-check>`, in the same `@lit/react` convention as `idconnect-kit/react` (event props `on` + the event
 * name in PascalCase). An entry of its own: the element and its camera code reach only the provider's page that
 * imports it, never an integrator app using the buttons (the face model is loaded by the element at run time, from
 * the provider). Importing it registers the element.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { IdcLivenessCheck as LivenessCheckElement } from './components/liveness-check/define.js';
import type { IdcLivenessCheckEventMap } from './frameworks/elements.js';
import type { WrapperEvents } from './react.js';

export type { IdcLivenessCheckEventMap, IdcLivenessCompleteDetail, IdcLivenessErrorDetail } from './frameworks/elements.js';

/**
 * `<idc-liveness-check>`: `onIdcLivenessComplete`, `onIdcError`, `onIdcCancel`. `challenge` is an array
 * (`['turn-left', 'turn-right']`), set as the element's property like `session`, `uploadUrl`, `modelBase`.
 */
export const IdcLivenessCheck = createComponent({
  react: React,
  tagName: 'idc-liveness-check',
  elementClass: LivenessCheckElement,
  displayName: 'IdcLivenessCheck',
  events: {
    onIdcLivenessComplete: 'idc-liveness-complete' as EventName<IdcLivenessCheckEventMap['idc-liveness-complete']>,
    onIdcError: 'idc-error' as EventName<IdcLivenessCheckEventMap['idc-error']>,
    onIdcCancel: 'idc-cancel' as EventName<IdcLivenessCheckEventMap['idc-cancel']>,
  } satisfies WrapperEvents<IdcLivenessCheckEventMap>,
});

export type IdcLivenessCheckProps = React.ComponentProps<typeof IdcLivenessCheck>;
