/** Texts of `<idc-verify-button>`. `{provider}` is the `provider-name` attribute (default "ID"). */
import type { Table } from '../localize.js';

export type VerifyButtonKey = 'label' | 'pending' | 'popupHint';

export const verifyButtonTable: Table<VerifyButtonKey> = {
  en: { label: 'Verify with {provider}', pending: 'Verifying…', popupHint: 'Opens in a new window' },
  de: { label: 'Mit {provider} verifizieren', pending: 'Verifizierung läuft…', popupHint: 'Öffnet sich in einem neuen Fenster' },
  es: { label: 'Verificar con {provider}', pending: 'Verificando…', popupHint: 'Se abre en una ventana nueva' },
  fr: { label: 'Vérifier avec {provider}', pending: 'Vérification en cours…', popupHint: 'S’ouvre dans une nouvelle fenêtre' },
  ar: { label: 'التحقق باستخدام {provider}', pending: 'جارٍ التحقق…', popupHint: 'يُفتح في نافذة جديدة' },
};
