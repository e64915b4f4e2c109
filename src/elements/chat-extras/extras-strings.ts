/**
 * Strings of what the chat shows only sometimes (an article card, the nobody-online email ask),
 * every locale in one module: loaded with the chat-extras chunk, so the chat's first open and
 * the locale catalogs do not carry them.
 */
export interface ExtrasStrings {
  emailAsk: string;
  emailLabel: string;
  emailSave: string;
  emailThanks: string;
  readArticle: string;
}

const STRINGS: Record<string, ExtrasStrings> = {
  en: {
    emailAsk: 'Nobody is online right now. Leave your email so we can reply there.',
    emailLabel: 'Your email',
    emailSave: 'Save',
    emailThanks: 'Thanks! We will email you if you are not here when we reply.',
    readArticle: 'Read the article',
  },
  fr: {
    emailAsk: "Personne n'est en ligne pour le moment. Laissez votre e-mail pour que nous puissions vous répondre.",
    emailLabel: 'Votre e-mail',
    emailSave: 'Enregistrer',
    emailThanks: "Merci ! Nous vous écrirons par e-mail si vous n'êtes plus là quand nous répondrons.",
    readArticle: "Lire l'article",
  },
  es: {
    emailAsk: 'Ahora no hay nadie conectado. Déjanos tu correo electrónico para poder responderte.',
    emailLabel: 'Tu correo electrónico',
    emailSave: 'Guardar',
    emailThanks: '¡Gracias! Te escribiremos por correo si no estás aquí cuando respondamos.',
    readArticle: 'Leer el artículo',
  },
  de: {
    emailAsk: 'Gerade ist niemand online. Hinterlassen Sie Ihre E-Mail-Adresse, damit wir Ihnen antworten können.',
    emailLabel: 'Ihre E-Mail-Adresse',
    emailSave: 'Speichern',
    emailThanks: 'Danke! Wir schreiben Ihnen eine E-Mail, falls Sie bei unserer Antwort nicht mehr da sind.',
    readArticle: 'Artikel lesen',
  },
  pt: {
    emailAsk: 'Não há ninguém online agora. Deixe seu e-mail para que possamos responder.',
    emailLabel: 'Seu e-mail',
    emailSave: 'Salvar',
    emailThanks: 'Obrigado! Enviaremos um e-mail se você não estiver aqui quando respondermos.',
    readArticle: 'Ler o artigo',
  },
  it: {
    emailAsk: "Al momento non c'è nessuno online. Lascia la tua email così potremo risponderti.",
    emailLabel: 'La tua email',
    emailSave: 'Salva',
    emailThanks: 'Grazie! Ti scriveremo via email se non sarai qui quando risponderemo.',
    readArticle: "Leggi l'articolo",
  },
  nl: {
    emailAsk: 'Er is nu niemand online. Laat je e-mailadres achter, dan kunnen we je daar antwoorden.',
    emailLabel: 'Je e-mailadres',
    emailSave: 'Opslaan',
    emailThanks: 'Bedankt! We mailen je als je er niet meer bent wanneer we antwoorden.',
    readArticle: 'Artikel lezen',
  },
  ja: {
    emailAsk: '現在オンラインの担当者がいません。返信できるよう、メールアドレスを残してください。',
    emailLabel: 'メールアドレス',
    emailSave: '保存',
    emailThanks: 'ありがとうございます。返信時にご不在の場合は、メールでお送りします。',
    readArticle: '記事を読む',
  },
  zh: {
    emailAsk: '现在没有人在线。请留下您的邮箱，以便我们回复您。',
    emailLabel: '您的邮箱',
    emailSave: '保存',
    emailThanks: '谢谢！如果我们回复时您不在，我们会通过邮件回复您。',
    readArticle: '阅读文章',
  },
  ar: {
    emailAsk: 'لا يوجد أحد متصل الآن. اترك بريدك الإلكتروني لنتمكن من الرد عليك.',
    emailLabel: 'بريدك الإلكتروني',
    emailSave: 'حفظ',
    emailThanks: 'شكرًا! سنراسلك عبر البريد الإلكتروني إذا لم تكن هنا عند ردنا.',
    readArticle: 'اقرأ المقالة',
  },
  he: {
    emailAsk: 'אין כרגע אף אחד מחובר. השאירו את כתובת האימייל שלכם כדי שנוכל לענות לכם.',
    emailLabel: 'כתובת האימייל שלכם',
    emailSave: 'שמירה',
    emailThanks: 'תודה! נשלח לכם אימייל אם לא תהיו כאן כשנענה.',
    readArticle: 'לקריאת המאמר',
  },
};

/** The strings for a supported locale tag (its base language), else English. */
export const extrasStrings = (locale: string): ExtrasStrings => STRINGS[locale.split('-')[0]!.toLowerCase()] ?? STRINGS.en!;
