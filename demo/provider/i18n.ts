/** Text of the provider's own pages (login, error pages, consent-screen data items), one table per language. */
export const LOCALES = ['en', 'de', 'es', 'fr', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  loginTitle: 'Sign in',
  loginHeading: 'Sign in to your ID account',
  loginIntro: 'to continue to {client}',
  loginIntroShare: 'to review a request to share your verification',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  demoHint: 'Demo account: alice@example.com, password alice-demo',
  errorCredentials: 'The email or password is not correct.',
  errorMissing: 'Enter your email and your password.',
  errorForm: 'This form has expired. Please try again.',
  connectTitle: 'Allow access',
  shareTitle: 'Share your verification',
  needsScript: 'This screen needs JavaScript. Turn it on and reload the page.',
  itemEmail: 'Your email address',
  itemShare: 'Asking you, company by company, to share your verified identity',
  itemOffline: 'Keeping this access while you are signed out',
  itemIdentity: 'Your verified identity document',
  itemAddress: 'Your verified proof of address',
  errorTitle: 'Something went wrong',
  errorGeneric: 'The request could not be completed. Return to the site that sent you here and try again.',
  requestExpired: 'This sign-in request has expired. Return to the site that sent you here and start again.',
  linkUsed: 'This sharing link has already been used. Return to the site that sent you here and start again.',
  linkExpired: 'This sharing link has expired. Return to the site that sent you here and start again.',
  linkInvalid: 'This sharing link is not valid.',
  wrongAccount: 'This request was made for a different account than the one signed in.',
  switchAccount: 'Sign in with another account',
  signedOut: 'You are signed out.',
  signOutQuestion: 'Do you want to sign out of your ID account?',
  signOutYes: 'Sign out',
  signOutNo: 'Stay signed in',
};

export type MessageKey = keyof typeof en;

const tables: Record<Locale, Record<MessageKey, string>> = {
  en,
  de: {
    loginTitle: 'Anmelden',
    loginHeading: 'Bei Ihrem ID-Konto anmelden',
    loginIntro: 'um mit {client} fortzufahren',
    loginIntroShare: 'um eine Anfrage zur Weitergabe Ihrer Verifizierung zu prüfen',
    email: 'E-Mail',
    password: 'Passwort',
    signIn: 'Anmelden',
    demoHint: 'Demo-Konto: alice@example.com, Passwort alice-demo',
    errorCredentials: 'E-Mail-Adresse oder Passwort ist nicht korrekt.',
    errorMissing: 'Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.',
    errorForm: 'Dieses Formular ist abgelaufen. Bitte versuchen Sie es erneut.',
    connectTitle: 'Zugriff erlauben',
    shareTitle: 'Verifizierung teilen',
    needsScript: 'Diese Seite benötigt JavaScript. Aktivieren Sie es und laden Sie die Seite neu.',
    itemEmail: 'Ihre E-Mail-Adresse',
    itemShare: 'Sie für jedes Unternehmen einzeln fragen, ob Ihre verifizierte Identität geteilt werden darf',
    itemOffline: 'Diesen Zugriff behalten, während Sie abgemeldet sind',
    itemIdentity: 'Ihr verifiziertes Ausweisdokument',
    itemAddress: 'Ihr verifizierter Adressnachweis',
    errorTitle: 'Etwas ist schiefgelaufen',
    errorGeneric:
      'Die Anfrage konnte nicht abgeschlossen werden. Kehren Sie zur Website zurück, von der Sie kamen, und versuchen Sie es erneut.',
    requestExpired:
      'Diese Anmeldeanfrage ist abgelaufen. Kehren Sie zur Website zurück, von der Sie kamen, und beginnen Sie neu.',
    linkUsed:
      'Dieser Freigabelink wurde bereits verwendet. Kehren Sie zur Website zurück, von der Sie kamen, und beginnen Sie neu.',
    linkExpired:
      'Dieser Freigabelink ist abgelaufen. Kehren Sie zur Website zurück, von der Sie kamen, und beginnen Sie neu.',
    linkInvalid: 'Dieser Freigabelink ist ungültig.',
    wrongAccount: 'Diese Anfrage gilt für ein anderes Konto als das angemeldete.',
    switchAccount: 'Mit einem anderen Konto anmelden',
    signedOut: 'Sie sind abgemeldet.',
    signOutQuestion: 'Möchten Sie sich von Ihrem ID-Konto abmelden?',
    signOutYes: 'Abmelden',
    signOutNo: 'Angemeldet bleiben',
  },
  es: {
    loginTitle: 'Iniciar sesión',
    loginHeading: 'Inicia sesión en tu cuenta de ID',
    loginIntro: 'para continuar en {client}',
    loginIntroShare: 'para revisar una solicitud para compartir tu verificación',
    email: 'Correo electrónico',
    password: 'Contraseña',
    signIn: 'Iniciar sesión',
    demoHint: 'Cuenta de demostración: alice@example.com, contraseña alice-demo',
    errorCredentials: 'El correo electrónico o la contraseña no son correctos.',
    errorMissing: 'Introduce tu correo electrónico y tu contraseña.',
    errorForm: 'Este formulario ha caducado. Inténtalo de nuevo.',
    connectTitle: 'Permitir acceso',
    shareTitle: 'Compartir tu verificación',
    needsScript: 'Esta pantalla necesita JavaScript. Actívalo y vuelve a cargar la página.',
    itemEmail: 'Tu dirección de correo electrónico',
    itemShare: 'Pedirte, empresa por empresa, que compartas tu identidad verificada',
    itemOffline: 'Mantener este acceso mientras tienes la sesión cerrada',
    itemIdentity: 'Tu documento de identidad verificado',
    itemAddress: 'Tu comprobante de domicilio verificado',
    errorTitle: 'Algo salió mal',
    errorGeneric: 'No se pudo completar la solicitud. Vuelve al sitio que te envió aquí e inténtalo de nuevo.',
    requestExpired: 'Esta solicitud de inicio de sesión ha caducado. Vuelve al sitio que te envió aquí y empieza de nuevo.',
    linkUsed: 'Este enlace para compartir ya se ha usado. Vuelve al sitio que te envió aquí y empieza de nuevo.',
    linkExpired: 'Este enlace para compartir ha caducado. Vuelve al sitio que te envió aquí y empieza de nuevo.',
    linkInvalid: 'Este enlace para compartir no es válido.',
    wrongAccount: 'Esta solicitud se hizo para una cuenta distinta de la que tiene la sesión iniciada.',
    switchAccount: 'Iniciar sesión con otra cuenta',
    signedOut: 'Has cerrado la sesión.',
    signOutQuestion: '¿Quieres cerrar la sesión de tu cuenta de ID?',
    signOutYes: 'Cerrar sesión',
    signOutNo: 'Mantener la sesión',
  },
  fr: {
    loginTitle: 'Se connecter',
    loginHeading: 'Connectez-vous à votre compte ID',
    loginIntro: 'pour continuer vers {client}',
    loginIntroShare: 'pour examiner une demande de partage de votre vérification',
    email: 'E-mail',
    password: 'Mot de passe',
    signIn: 'Se connecter',
    demoHint: 'Compte de démonstration : alice@example.com, mot de passe alice-demo',
    errorCredentials: 'L’e-mail ou le mot de passe est incorrect.',
    errorMissing: 'Saisissez votre e-mail et votre mot de passe.',
    errorForm: 'Ce formulaire a expiré. Veuillez réessayer.',
    connectTitle: 'Autoriser l’accès',
    shareTitle: 'Partager votre vérification',
    needsScript: 'Cet écran nécessite JavaScript. Activez-le et rechargez la page.',
    itemEmail: 'Votre adresse e-mail',
    itemShare: 'Vous demander, entreprise par entreprise, de partager votre identité vérifiée',
    itemOffline: 'Conserver cet accès lorsque vous êtes déconnecté',
    itemIdentity: 'Votre pièce d’identité vérifiée',
    itemAddress: 'Votre justificatif de domicile vérifié',
    errorTitle: 'Une erreur s’est produite',
    errorGeneric: 'La demande n’a pas pu aboutir. Revenez sur le site qui vous a envoyé ici et réessayez.',
    requestExpired: 'Cette demande de connexion a expiré. Revenez sur le site qui vous a envoyé ici et recommencez.',
    linkUsed: 'Ce lien de partage a déjà été utilisé. Revenez sur le site qui vous a envoyé ici et recommencez.',
    linkExpired: 'Ce lien de partage a expiré. Revenez sur le site qui vous a envoyé ici et recommencez.',
    linkInvalid: 'Ce lien de partage n’est pas valide.',
    wrongAccount: 'Cette demande concerne un autre compte que celui qui est connecté.',
    switchAccount: 'Se connecter avec un autre compte',
    signedOut: 'Vous êtes déconnecté.',
    signOutQuestion: 'Voulez-vous vous déconnecter de votre compte ID ?',
    signOutYes: 'Se déconnecter',
    signOutNo: 'Rester connecté',
  },
  ar: {
    loginTitle: 'تسجيل الدخول',
    loginHeading: 'سجّل الدخول إلى حساب الهوية الخاص بك',
    loginIntro: 'للمتابعة إلى {client}',
    loginIntroShare: 'لمراجعة طلب لمشاركة التحقق الخاص بك',
    email: 'البريد الإلكتروني',
    password: 'كلمة المرور',
    signIn: 'تسجيل الدخول',
    demoHint: 'حساب تجريبي: alice@example.com، كلمة المرور alice-demo',
    errorCredentials: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',
    errorMissing: 'أدخل بريدك الإلكتروني وكلمة المرور.',
    errorForm: 'انتهت صلاحية هذا النموذج. يُرجى المحاولة مرة أخرى.',
    connectTitle: 'السماح بالوصول',
    shareTitle: 'مشاركة التحقق الخاص بك',
    needsScript: 'تحتاج هذه الشاشة إلى JavaScript. فعّلها ثم أعد تحميل الصفحة.',
    itemEmail: 'عنوان بريدك الإلكتروني',
    itemShare: 'سؤالك، شركةً بعد شركة، عن مشاركة هويتك التي تم التحقق منها',
    itemOffline: 'الاحتفاظ بهذا الوصول أثناء تسجيل خروجك',
    itemIdentity: 'وثيقة هويتك التي تم التحقق منها',
    itemAddress: 'إثبات عنوانك الذي تم التحقق منه',
    errorTitle: 'حدث خطأ ما',
    errorGeneric: 'تعذّر إكمال الطلب. عُد إلى الموقع الذي أرسلك إلى هنا وحاول مرة أخرى.',
    requestExpired: 'انتهت صلاحية طلب تسجيل الدخول هذا. عُد إلى الموقع الذي أرسلك إلى هنا وابدأ من جديد.',
    linkUsed: 'تم استخدام رابط المشاركة هذا من قبل. عُد إلى الموقع الذي أرسلك إلى هنا وابدأ من جديد.',
    linkExpired: 'انتهت صلاحية رابط المشاركة هذا. عُد إلى الموقع الذي أرسلك إلى هنا وابدأ من جديد.',
    linkInvalid: 'رابط المشاركة هذا غير صالح.',
    wrongAccount: 'هذا الطلب مخصّص لحساب غير الحساب المسجَّل دخوله.',
    switchAccount: 'تسجيل الدخول بحساب آخر',
    signedOut: 'لقد سجّلت الخروج.',
    signOutQuestion: 'هل تريد تسجيل الخروج من حساب الهوية الخاص بك؟',
    signOutYes: 'تسجيل الخروج',
    signOutNo: 'البقاء مسجّلًا',
  },
};

export interface Messages {
  locale: Locale;
  dir: 'ltr' | 'rtl';
  t(key: MessageKey, vars?: Record<string, string>): string;
}

function isLocale(tag: string): tag is Locale {
  return (LOCALES as readonly string[]).includes(tag);
}

/** First supported language of `ui_locales` (space-separated), then of `Accept-Language`, else English. */
export function pickLocale(uiLocales: unknown, acceptLanguage: string | undefined): Locale {
  const fromUi = typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : [];
  const fromHeader = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((entry) => entry.tag);
  for (const tag of [...fromUi, ...fromHeader]) {
    const base = tag.toLowerCase().split('-')[0]!;
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function messages(locale: Locale): Messages {
  const table = tables[locale];
  return {
    locale,
    dir: locale === 'ar' ? 'rtl' : 'ltr',
    t(key, vars = {}) {
      return (table[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
    },
  };
}
