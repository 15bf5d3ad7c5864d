/** Texts of `<idc-reuse-selection>`, including the localized document types. */
import type { Table } from '../localize.js';

/** Document types with a localized name; any other type is named by `type_other`. */
export type DocumentType = 'passport' | 'id_card' | 'driving_license' | 'residence_permit' | 'proof_of_address' | 'selfie';
export type DocumentTypeKey = `type_${DocumentType | 'other'}`;

export type ReuseSelectionKey =
  | 'title'
  | 'intro'
  | 'optional'
  | 'dontShare'
  | 'willCollect'
  | 'optionalNone'
  | 'issued'
  | 'expires'
  | 'expiredOn'
  | 'expired'
  | 'is_rejected'
  | 'is_pending'
  | 'is_invalid'
  | 'submit'
  | 'cancel'
  | 'pending'
  | DocumentTypeKey;

export const reuseSelectionTable: Table<ReuseSelectionKey> = {
  en: {
    title: 'Share documents with {recipient}',
    intro: 'Choose which verified documents to reuse.',
    optional: '(optional)',
    dontShare: 'Don’t share',
    willCollect: 'Nothing to reuse; it will be collected next.',
    optionalNone: 'Nothing to reuse; it will be skipped.',
    issued: 'Issued {date}',
    expires: 'Expires {date}',
    expiredOn: 'Expired on {date}',
    expired: 'Expired',
    is_rejected: 'Rejected',
    is_pending: 'Under review',
    is_invalid: 'Not reusable',
    submit: 'Share selected',
    cancel: 'Cancel',
    pending: 'Please wait…',
    type_passport: 'Passport',
    type_id_card: 'ID card',
    type_driving_license: 'Driving license',
    type_residence_permit: 'Residence permit',
    type_proof_of_address: 'Proof of address',
    type_selfie: 'Selfie',
    type_other: 'Document',
  },
  de: {
    title: 'Dokumente mit {recipient} teilen',
    intro: 'Wählen Sie, welche verifizierten Dokumente wiederverwendet werden.',
    optional: '(optional)',
    dontShare: 'Nicht teilen',
    willCollect: 'Nichts wiederverwendbar; wird als Nächstes erfasst.',
    optionalNone: 'Nichts wiederverwendbar; wird übersprungen.',
    issued: 'Ausgestellt am {date}',
    expires: 'Gültig bis {date}',
    expiredOn: 'Abgelaufen am {date}',
    expired: 'Abgelaufen',
    is_rejected: 'Abgelehnt',
    is_pending: 'Wird geprüft',
    is_invalid: 'Nicht wiederverwendbar',
    submit: 'Auswahl teilen',
    cancel: 'Abbrechen',
    pending: 'Bitte warten …',
    type_passport: 'Reisepass',
    type_id_card: 'Personalausweis',
    type_driving_license: 'Führerschein',
    type_residence_permit: 'Aufenthaltstitel',
    type_proof_of_address: 'Adressnachweis',
    type_selfie: 'Selfie',
    type_other: 'Dokument',
  },
  es: {
    title: 'Compartir documentos con {recipient}',
    intro: 'Elige qué documentos verificados reutilizar.',
    optional: '(opcional)',
    dontShare: 'No compartir',
    willCollect: 'Nada que reutilizar; se solicitará después.',
    optionalNone: 'Nada que reutilizar; se omitirá.',
    issued: 'Emitido el {date}',
    expires: 'Caduca el {date}',
    expiredOn: 'Caducó el {date}',
    expired: 'Caducado',
    is_rejected: 'Rechazado',
    is_pending: 'En revisión',
    is_invalid: 'No reutilizable',
    submit: 'Compartir selección',
    cancel: 'Cancelar',
    pending: 'Espera un momento…',
    type_passport: 'Pasaporte',
    type_id_card: 'Documento de identidad',
    type_driving_license: 'Permiso de conducir',
    type_residence_permit: 'Permiso de residencia',
    type_proof_of_address: 'Justificante de domicilio',
    type_selfie: 'Selfi',
    type_other: 'Documento',
  },
  fr: {
    title: 'Partager des documents avec {recipient}',
    intro: 'Choisissez les documents vérifiés à réutiliser.',
    optional: '(facultatif)',
    dontShare: 'Ne pas partager',
    willCollect: 'Rien à réutiliser\u202f; sera demandé ensuite.',
    optionalNone: 'Rien à réutiliser\u202f; élément omis.',
    issued: 'Délivré le {date}',
    expires: 'Expire le {date}',
    expiredOn: 'Expiré le {date}',
    expired: 'Expiré',
    is_rejected: 'Refusé',
    is_pending: 'En cours de vérification',
    is_invalid: 'Non réutilisable',
    submit: 'Partager la sélection',
    cancel: 'Annuler',
    pending: 'Veuillez patienter…',
    type_passport: 'Passeport',
    type_id_card: 'Carte d’identité',
    type_driving_license: 'Permis de conduire',
    type_residence_permit: 'Titre de séjour',
    type_proof_of_address: 'Justificatif de domicile',
    type_selfie: 'Selfie',
    type_other: 'Document',
  },
  ar: {
    title: 'مشاركة المستندات مع {recipient}',
    intro: 'اختر المستندات الموثَّقة التي تريد إعادة استخدامها.',
    optional: '(اختياري)',
    dontShare: 'عدم المشاركة',
    willCollect: 'لا يوجد ما يُعاد استخدامه؛ سيُطلب لاحقًا.',
    optionalNone: 'لا يوجد ما يُعاد استخدامه؛ سيتم تجاوزه.',
    issued: 'صدر في {date}',
    expires: 'ينتهي في {date}',
    expiredOn: 'انتهى في {date}',
    expired: 'منتهي الصلاحية',
    is_rejected: 'مرفوض',
    is_pending: 'قيد المراجعة',
    is_invalid: 'غير قابل لإعادة الاستخدام',
    submit: 'مشاركة المحدد',
    cancel: 'إلغاء',
    pending: 'يُرجى الانتظار…',
    type_passport: 'جواز سفر',
    type_id_card: 'بطاقة هوية',
    type_driving_license: 'رخصة قيادة',
    type_residence_permit: 'تصريح إقامة',
    type_proof_of_address: 'إثبات العنوان',
    type_selfie: 'صورة ذاتية',
    type_other: 'مستند',
  },
};
