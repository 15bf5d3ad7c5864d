/**
 * Texts of `<idc-liveness-check>`: the intro, the guidance spoken through its `aria-live` region (face in the oval,
 * closer, light, each challenge step), and the localized reason of every coded failure: the `reason` of the provider's
 * 422, its 400/404/410/429 codes, the camera errors, a timeout and the network.
 */
import type { Table } from '../localize.js';

/** Why a check stopped, as the element shows it (`r_<reason>`). */
export type LivenessReason =
  | 'no_face'
  | 'multiple_faces'
  | 'challenge_not_met'
  | 'spoof_suspected'
  | 'face_mismatch'
  | 'low_quality'
  | 'timeout'
  | 'invalid_capture'
  | 'session_expired'
  | 'too_many_attempts'
  | 'invalid_config'
  | 'camera_denied'
  | 'camera_unavailable'
  | 'network'
  | 'other';

export type LivenessKey =
  | 'title'
  | 'intro'
  | 'start'
  | 'cancel'
  | 'retry'
  | 'preview'
  | 'starting'
  | 'g_position'
  | 'g_closer'
  | 'g_light'
  | 'g_one_face'
  | 'g_hold'
  | 'g_turn-left'
  | 'g_turn-right'
  | 'g_further'
  | 'g_good'
  | 'uploading'
  | 'done'
  | `r_${LivenessReason}`;

export const livenessTable: Table<LivenessKey> = {
  en: {
    title: 'Take a quick selfie',
    intro: 'This shows that you are the person on your document. Your camera takes a few pictures while you follow the instructions on the screen.',
    start: 'Start',
    cancel: 'Cancel',
    retry: 'Try again',
    preview: 'Camera preview',
    starting: 'Starting the camera…',
    g_position: 'Place your face in the oval',
    g_closer: 'Move a little closer',
    g_light: 'Find more light',
    g_one_face: 'Make sure only your face is in the picture',
    g_hold: 'Hold still and look straight ahead',
    'g_turn-left': 'Turn your head left',
    'g_turn-right': 'Turn your head right',
    g_further: 'Turn a little further',
    g_good: 'Good',
    uploading: 'Checking your selfie…',
    done: 'Done. Your selfie was sent for checking.',
    r_no_face: 'No face was seen. Keep your face in the oval, in good light.',
    r_multiple_faces: 'More than one face was seen. Make sure you are alone in the picture.',
    r_challenge_not_met: 'The head movement was not seen. Follow each instruction while it is shown.',
    r_spoof_suspected: 'The check could not confirm a live person. Use your own face, not a photo or a screen.',
    r_face_mismatch: 'Your face did not match the photo on your document.',
    r_low_quality: 'The pictures were not clear enough. Find more light and hold still.',
    r_timeout: 'That took too long. Please try again.',
    r_invalid_capture: 'The pictures could not be read. Please start again.',
    r_session_expired: 'This check has expired. Reload the page to start a new one.',
    r_too_many_attempts: 'Too many attempts. Please try again later.',
    r_invalid_config: 'This check is not set up correctly.',
    r_camera_denied: 'Camera access is blocked. Allow the camera for this site in your browser, then try again.',
    r_camera_unavailable: 'No camera could be used. Connect a camera or close other apps that use it, then try again.',
    r_network: 'A network problem stopped the upload. Please try again.',
    r_other: 'The check did not pass.',
  },
  de: {
    title: 'Kurzes Selfie aufnehmen',
    intro: 'So zeigen Sie, dass Sie die Person auf Ihrem Dokument sind. Ihre Kamera macht einige Bilder, während Sie den Anweisungen auf dem Bildschirm folgen.',
    start: 'Starten',
    cancel: 'Abbrechen',
    retry: 'Erneut versuchen',
    preview: 'Kameravorschau',
    starting: 'Kamera wird gestartet …',
    g_position: 'Bringen Sie Ihr Gesicht in das Oval',
    g_closer: 'Kommen Sie etwas näher',
    g_light: 'Suchen Sie mehr Licht',
    g_one_face: 'Nur Ihr Gesicht sollte im Bild sein',
    g_hold: 'Halten Sie still und schauen Sie geradeaus',
    'g_turn-left': 'Drehen Sie den Kopf nach links',
    'g_turn-right': 'Drehen Sie den Kopf nach rechts',
    g_further: 'Drehen Sie etwas weiter',
    g_good: 'Gut',
    uploading: 'Ihr Selfie wird geprüft …',
    done: 'Fertig. Ihr Selfie wurde zur Prüfung gesendet.',
    r_no_face: 'Es wurde kein Gesicht erkannt. Halten Sie Ihr Gesicht bei gutem Licht in das Oval.',
    r_multiple_faces: 'Es wurde mehr als ein Gesicht erkannt. Achten Sie darauf, allein im Bild zu sein.',
    r_challenge_not_met: 'Die Kopfbewegung wurde nicht erkannt. Folgen Sie jeder Anweisung, solange sie angezeigt wird.',
    r_spoof_suspected: 'Die Prüfung konnte keine echte Person bestätigen. Verwenden Sie Ihr eigenes Gesicht, kein Foto und keinen Bildschirm.',
    r_face_mismatch: 'Ihr Gesicht passt nicht zum Foto auf Ihrem Dokument.',
    r_low_quality: 'Die Bilder waren nicht deutlich genug. Suchen Sie mehr Licht und halten Sie still.',
    r_timeout: 'Das hat zu lange gedauert. Bitte versuchen Sie es erneut.',
    r_invalid_capture: 'Die Bilder konnten nicht gelesen werden. Bitte beginnen Sie neu.',
    r_session_expired: 'Diese Prüfung ist abgelaufen. Laden Sie die Seite neu, um eine neue zu beginnen.',
    r_too_many_attempts: 'Zu viele Versuche. Bitte versuchen Sie es später erneut.',
    r_invalid_config: 'Diese Prüfung ist nicht richtig eingerichtet.',
    r_camera_denied: 'Der Kamerazugriff ist blockiert. Erlauben Sie die Kamera für diese Website in Ihrem Browser und versuchen Sie es erneut.',
    r_camera_unavailable: 'Es konnte keine Kamera verwendet werden. Schließen Sie eine Kamera an oder beenden Sie andere Apps, die sie nutzen, und versuchen Sie es erneut.',
    r_network: 'Ein Netzwerkproblem hat das Hochladen gestoppt. Bitte versuchen Sie es erneut.',
    r_other: 'Die Prüfung war nicht erfolgreich.',
  },
  es: {
    title: 'Hazte un selfi rápido',
    intro: 'Así demuestras que eres la persona de tu documento. Tu cámara toma unas fotos mientras sigues las instrucciones de la pantalla.',
    start: 'Empezar',
    cancel: 'Cancelar',
    retry: 'Reintentar',
    preview: 'Vista previa de la cámara',
    starting: 'Iniciando la cámara…',
    g_position: 'Coloca tu cara dentro del óvalo',
    g_closer: 'Acércate un poco más',
    g_light: 'Busca más luz',
    g_one_face: 'Asegúrate de que solo tu cara aparece en la imagen',
    g_hold: 'Quédate quieto y mira al frente',
    'g_turn-left': 'Gira la cabeza a la izquierda',
    'g_turn-right': 'Gira la cabeza a la derecha',
    g_further: 'Gira un poco más',
    g_good: 'Bien',
    uploading: 'Comprobando tu selfi…',
    done: 'Listo. Tu selfi se ha enviado para su comprobación.',
    r_no_face: 'No se ha visto ninguna cara. Mantén la cara dentro del óvalo, con buena luz.',
    r_multiple_faces: 'Se ha visto más de una cara. Asegúrate de estar solo en la imagen.',
    r_challenge_not_met: 'No se ha visto el movimiento de la cabeza. Sigue cada instrucción mientras se muestra.',
    r_spoof_suspected: 'La comprobación no pudo confirmar que seas una persona real. Usa tu propia cara, no una foto ni una pantalla.',
    r_face_mismatch: 'Tu cara no coincide con la foto de tu documento.',
    r_low_quality: 'Las imágenes no eran lo bastante nítidas. Busca más luz y quédate quieto.',
    r_timeout: 'Ha tardado demasiado. Inténtalo de nuevo.',
    r_invalid_capture: 'No se pudieron leer las imágenes. Vuelve a empezar.',
    r_session_expired: 'Esta comprobación ha caducado. Recarga la página para empezar otra.',
    r_too_many_attempts: 'Demasiados intentos. Inténtalo más tarde.',
    r_invalid_config: 'Esta comprobación no está bien configurada.',
    r_camera_denied: 'El acceso a la cámara está bloqueado. Permite la cámara para este sitio en tu navegador e inténtalo de nuevo.',
    r_camera_unavailable: 'No se pudo usar ninguna cámara. Conecta una cámara o cierra otras aplicaciones que la usen e inténtalo de nuevo.',
    r_network: 'Un problema de red detuvo la subida. Inténtalo de nuevo.',
    r_other: 'La comprobación no se superó.',
  },
  fr: {
    title: 'Prenez un selfie rapide',
    intro: 'Cela montre que vous êtes la personne de votre document. Votre caméra prend quelques images pendant que vous suivez les instructions à l’écran.',
    start: 'Commencer',
    cancel: 'Annuler',
    retry: 'Réessayer',
    preview: 'Aperçu de la caméra',
    starting: 'Démarrage de la caméra…',
    g_position: 'Placez votre visage dans l’ovale',
    g_closer: 'Rapprochez-vous un peu',
    g_light: 'Trouvez plus de lumière',
    g_one_face: 'Seul votre visage doit être dans l’image',
    g_hold: 'Ne bougez plus et regardez droit devant',
    'g_turn-left': 'Tournez la tête vers la gauche',
    'g_turn-right': 'Tournez la tête vers la droite',
    g_further: 'Tournez un peu plus',
    g_good: 'Bien',
    uploading: 'Vérification de votre selfie…',
    done: 'Terminé. Votre selfie a été envoyé pour vérification.',
    r_no_face: 'Aucun visage n’a été vu. Gardez votre visage dans l’ovale, avec une bonne lumière.',
    r_multiple_faces: 'Plus d’un visage a été vu. Assurez-vous d’être seul dans l’image.',
    r_challenge_not_met: 'Le mouvement de la tête n’a pas été vu. Suivez chaque instruction pendant qu’elle s’affiche.',
    r_spoof_suspected: 'La vérification n’a pas pu confirmer une personne réelle. Utilisez votre propre visage, pas une photo ni un écran.',
    r_face_mismatch: 'Votre visage ne correspond pas à la photo de votre document.',
    r_low_quality: 'Les images n’étaient pas assez nettes. Trouvez plus de lumière et ne bougez pas.',
    r_timeout: 'Cela a pris trop de temps. Veuillez réessayer.',
    r_invalid_capture: 'Les images n’ont pas pu être lues. Veuillez recommencer.',
    r_session_expired: 'Cette vérification a expiré. Rechargez la page pour en commencer une nouvelle.',
    r_too_many_attempts: 'Trop de tentatives. Veuillez réessayer plus tard.',
    r_invalid_config: 'Cette vérification n’est pas correctement configurée.',
    r_camera_denied: 'L’accès à la caméra est bloqué. Autorisez la caméra pour ce site dans votre navigateur, puis réessayez.',
    r_camera_unavailable: 'Aucune caméra n’a pu être utilisée. Branchez une caméra ou fermez les autres applications qui l’utilisent, puis réessayez.',
    r_network: 'Un problème de réseau a interrompu l’envoi. Veuillez réessayer.',
    r_other: 'La vérification n’a pas abouti.',
  },
  ar: {
    title: 'التقط صورة ذاتية سريعة',
    intro: 'يثبت ذلك أنك الشخص الموجود في مستندك. تلتقط الكاميرا بضع صور بينما تتبع التعليمات على الشاشة.',
    start: 'ابدأ',
    cancel: 'إلغاء',
    retry: 'حاول مرة أخرى',
    preview: 'معاينة الكاميرا',
    starting: 'جارٍ تشغيل الكاميرا…',
    g_position: 'ضع وجهك داخل الشكل البيضاوي',
    g_closer: 'اقترب قليلًا',
    g_light: 'ابحث عن إضاءة أكثر',
    g_one_face: 'تأكد من أن وجهك وحده في الصورة',
    g_hold: 'اثبت وانظر إلى الأمام مباشرة',
    'g_turn-left': 'أدر رأسك إلى اليسار',
    'g_turn-right': 'أدر رأسك إلى اليمين',
    g_further: 'أدر رأسك أكثر قليلًا',
    g_good: 'جيد',
    uploading: 'جارٍ التحقق من صورتك الذاتية…',
    done: 'تم. أُرسلت صورتك الذاتية للتحقق.',
    r_no_face: 'لم يُرَ أي وجه. أبقِ وجهك داخل الشكل البيضاوي في إضاءة جيدة.',
    r_multiple_faces: 'ظهر أكثر من وجه. تأكد من أنك وحدك في الصورة.',
    r_challenge_not_met: 'لم تُرَ حركة الرأس. اتبع كل تعليمة أثناء ظهورها.',
    r_spoof_suspected: 'تعذّر التأكد من أنك شخص حقيقي. استخدم وجهك أنت، لا صورة ولا شاشة.',
    r_face_mismatch: 'وجهك لا يطابق الصورة الموجودة في مستندك.',
    r_low_quality: 'لم تكن الصور واضحة بما يكفي. ابحث عن إضاءة أكثر واثبت.',
    r_timeout: 'استغرق ذلك وقتًا طويلًا. يُرجى المحاولة مرة أخرى.',
    r_invalid_capture: 'تعذّرت قراءة الصور. يُرجى البدء من جديد.',
    r_session_expired: 'انتهت صلاحية هذا التحقق. أعد تحميل الصفحة لبدء تحقق جديد.',
    r_too_many_attempts: 'محاولات كثيرة جدًا. يُرجى المحاولة لاحقًا.',
    r_invalid_config: 'هذا التحقق غير مُعدّ بشكل صحيح.',
    r_camera_denied: 'الوصول إلى الكاميرا محظور. اسمح بالكاميرا لهذا الموقع في متصفحك ثم حاول مرة أخرى.',
    r_camera_unavailable: 'تعذّر استخدام أي كاميرا. وصّل كاميرا أو أغلق التطبيقات الأخرى التي تستخدمها ثم حاول مرة أخرى.',
    r_network: 'أوقفت مشكلة في الشبكة الرفع. يُرجى المحاولة مرة أخرى.',
    r_other: 'لم ينجح التحقق.',
  },
};
