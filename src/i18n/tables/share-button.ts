/** Texts of `<idc-share-button>`. `{recipient}` is the `recipient-name` attribute; `labelGeneric` when it is empty. */
import type { Table } from '../localize.js';

export type ShareButtonKey = 'label' | 'labelGeneric' | 'pending' | 'popupHint';

export const shareButtonTable: Table<ShareButtonKey> = {
  en: {
    label: 'Continue to {recipient}',
    labelGeneric: 'Continue',
    pending: 'Waiting for your consent…',
    popupHint: 'Opens in a new window',
  },
  de: {
    label: 'Weiter zu {recipient}',
    labelGeneric: 'Weiter',
    pending: 'Warten auf Ihre Zustimmung…',
    popupHint: 'Öffnet sich in einem neuen Fenster',
  },
  es: {
    label: 'Continuar a {recipient}',
    labelGeneric: 'Continuar',
    pending: 'Esperando tu consentimiento…',
    popupHint: 'Se abre en una ventana nueva',
  },
  fr: {
    label: 'Continuer vers {recipient}',
    labelGeneric: 'Continuer',
    pending: 'En attente de votre consentement…',
    popupHint: 'S’ouvre dans une nouvelle fenêtre',
  },
  ar: {
    label: 'المتابعة إلى {recipient}',
    labelGeneric: 'متابعة',
    pending: 'في انتظار موافقتك…',
    popupHint: 'يُفتح في نافذة جديدة',
  },
};
