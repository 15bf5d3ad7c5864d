/** Texts of `<idc-consent-screen>`. `{name}` placeholders are filled with text (bidi-isolated), never HTML. */
import type { Table } from '../localize.js';

export type ConsentScreenKey =
  | 'connectTitle'
  | 'connectBody'
  | 'shareTitle'
  | 'shareBody'
  | 'items'
  | 'privacyPolicy'
  | 'newTab'
  | 'signedInAs'
  | 'notYou'
  | 'allow'
  | 'decline'
  | 'notArmed'
  | 'pending';

export const consentScreenTable: Table<ConsentScreenKey> = {
  en: {
    connectTitle: '{integrator} wants to connect to your {provider} account',
    connectBody: '{integrator} can then ask to share your verified identity. You approve each recipient.',
    shareTitle: 'Share your verified data with {recipient}?',
    shareBody: '{integrator} asks to share this with {recipient}.',
    items: 'What will be shared',
    privacyPolicy: 'Privacy policy of {recipient}',
    newTab: '(opens in a new tab)',
    signedInAs: 'Signed in as {email}',
    notYou: 'Not you?',
    allow: 'Allow',
    decline: 'Decline',
    notArmed: 'Available in a moment.',
    pending: 'Please wait…',
  },
  de: {
    connectTitle: '{integrator} möchte sich mit Ihrem {provider}-Konto verbinden',
    connectBody: '{integrator} kann dann anfragen, Ihre verifizierte Identität zu teilen. Sie stimmen jedem Empfänger zu.',
    shareTitle: 'Ihre verifizierten Daten mit {recipient} teilen?',
    shareBody: '{integrator} möchte dies mit {recipient} teilen.',
    items: 'Was geteilt wird',
    privacyPolicy: 'Datenschutzerklärung von {recipient}',
    newTab: '(öffnet in neuem Tab)',
    signedInAs: 'Angemeldet als {email}',
    notYou: 'Nicht Sie?',
    allow: 'Zulassen',
    decline: 'Ablehnen',
    notArmed: 'Gleich verfügbar.',
    pending: 'Bitte warten …',
  },
  es: {
    connectTitle: '{integrator} quiere conectarse a tu cuenta de {provider}',
    connectBody: '{integrator} podrá pedir compartir tu identidad verificada. Tú apruebas cada destinatario.',
    shareTitle: '¿Compartir tus datos verificados con {recipient}?',
    shareBody: '{integrator} pide compartir esto con {recipient}.',
    items: 'Qué se compartirá',
    privacyPolicy: 'Política de privacidad de {recipient}',
    newTab: '(se abre en otra pestaña)',
    signedInAs: 'Sesión iniciada como {email}',
    notYou: '¿No eres tú?',
    allow: 'Permitir',
    decline: 'Rechazar',
    notArmed: 'Disponible en un momento.',
    pending: 'Espera un momento…',
  },
  fr: {
    connectTitle: '{integrator} souhaite se connecter à votre compte {provider}',
    connectBody: '{integrator} pourra demander à partager votre identité vérifiée. Vous approuvez chaque destinataire.',
    shareTitle: 'Partager vos données vérifiées avec {recipient}\u202f?',
    shareBody: '{integrator} demande à partager ceci avec {recipient}.',
    items: 'Ce qui sera partagé',
    privacyPolicy: 'Politique de confidentialité de {recipient}',
    newTab: '(nouvel onglet)',
    signedInAs: 'Compte connecté\u202f: {email}',
    notYou: 'Ce n’est pas vous\u202f?',
    allow: 'Autoriser',
    decline: 'Refuser',
    notArmed: 'Disponible dans un instant.',
    pending: 'Veuillez patienter…',
  },
  ar: {
    connectTitle: 'يريد {integrator} الاتصال بحسابك على {provider}',
    connectBody: 'سيتمكن {integrator} من طلب مشاركة هويتك الموثَّقة. وأنت توافق على كل جهة مستلمة.',
    shareTitle: 'هل تريد مشاركة بياناتك الموثَّقة مع {recipient}؟',
    shareBody: 'يطلب {integrator} مشاركة ما يلي مع {recipient}.',
    items: 'ما ستتم مشاركته',
    privacyPolicy: 'سياسة الخصوصية لدى {recipient}',
    newTab: '(في علامة تبويب جديدة)',
    signedInAs: 'تم تسجيل الدخول باسم {email}',
    notYou: 'لست أنت؟',
    allow: 'السماح',
    decline: 'رفض',
    notArmed: 'متاح بعد لحظات.',
    pending: 'يُرجى الانتظار…',
  },
};
