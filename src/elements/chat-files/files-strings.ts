/**
 * Strings of the chat's attachments (upload progress, limit messages, downloads), every locale
 * in one module: loaded with the chat-files chunk, so the first open does not carry them.
 * `{name}`: the file's name; `{max}`: the app's size limit; `{types}`: the allowed kinds.
 */
export interface FilesStrings {
  uploading: string;
  failed: string;
  tooLarge: string;
  badType: string;
  download: string;
  dismiss: string;
}

const STRINGS: Record<string, FilesStrings> = {
  en: { uploading: 'Sending {name}…', failed: '{name} could not be sent. Try again.', tooLarge: '{name} is larger than {max}, the most you can send here.', badType: '{name} cannot be sent: only {types} files are allowed here.', download: 'Download {name}', dismiss: 'Dismiss' },
  fr: { uploading: 'Envoi de {name}…', failed: "{name} n'a pas pu être envoyé. Réessayez.", tooLarge: '{name} dépasse {max}, la taille maximale ici.', badType: "{name} ne peut pas être envoyé : seuls les fichiers {types} sont acceptés ici.", download: 'Télécharger {name}', dismiss: 'Fermer' },
  es: { uploading: 'Enviando {name}…', failed: 'No se pudo enviar {name}. Inténtalo de nuevo.', tooLarge: '{name} supera {max}, el máximo que puedes enviar aquí.', badType: 'No se puede enviar {name}: aquí solo se admiten archivos {types}.', download: 'Descargar {name}', dismiss: 'Cerrar' },
  de: { uploading: '{name} wird gesendet…', failed: '{name} konnte nicht gesendet werden. Bitte erneut versuchen.', tooLarge: '{name} ist größer als {max}, das Maximum hier.', badType: '{name} kann nicht gesendet werden: hier sind nur {types}-Dateien erlaubt.', download: '{name} herunterladen', dismiss: 'Schließen' },
  pt: { uploading: 'Enviando {name}…', failed: 'Não foi possível enviar {name}. Tente novamente.', tooLarge: '{name} é maior que {max}, o máximo que você pode enviar aqui.', badType: 'Não é possível enviar {name}: aqui só são aceitos arquivos {types}.', download: 'Baixar {name}', dismiss: 'Fechar' },
  it: { uploading: 'Invio di {name}…', failed: 'Impossibile inviare {name}. Riprova.', tooLarge: '{name} supera {max}, il massimo consentito qui.', badType: 'Impossibile inviare {name}: qui sono ammessi solo file {types}.', download: 'Scarica {name}', dismiss: 'Chiudi' },
  nl: { uploading: '{name} wordt verstuurd…', failed: '{name} kon niet worden verstuurd. Probeer het opnieuw.', tooLarge: '{name} is groter dan {max}, het maximum hier.', badType: '{name} kan niet worden verstuurd: alleen {types}-bestanden zijn hier toegestaan.', download: '{name} downloaden', dismiss: 'Sluiten' },
  ja: { uploading: '{name} を送信中…', failed: '{name} を送信できませんでした。もう一度お試しください。', tooLarge: '{name} は {max} を超えています。ここで送信できる上限です。', badType: '{name} は送信できません。ここでは {types} ファイルのみ送信できます。', download: '{name} をダウンロード', dismiss: '閉じる' },
  zh: { uploading: '正在发送 {name}…', failed: '{name} 发送失败，请重试。', tooLarge: '{name} 超过 {max}，这是此处允许的上限。', badType: '无法发送 {name}：此处只允许 {types} 文件。', download: '下载 {name}', dismiss: '关闭' },
  ar: { uploading: 'جارٍ إرسال {name}…', failed: 'تعذّر إرسال {name}. حاول مرة أخرى.', tooLarge: '{name} أكبر من {max}، وهو الحد الأقصى هنا.', badType: 'لا يمكن إرسال {name}: يُسمح هنا بملفات {types} فقط.', download: 'تنزيل {name}', dismiss: 'إغلاق' },
  he: { uploading: 'שולחים את {name}…', failed: 'לא ניתן היה לשלוח את {name}. נסו שוב.', tooLarge: '{name} גדול מ-{max}, המקסימום שאפשר לשלוח כאן.', badType: 'אי אפשר לשלוח את {name}: כאן מותרים רק קובצי {types}.', download: 'הורדת {name}', dismiss: 'סגירה' },
};

/** The strings for a supported locale tag (its base language), else English. */
export const filesStrings = (locale: string): FilesStrings => STRINGS[locale.split('-')[0]!.toLowerCase()] ?? STRINGS.en!;

/** Every locale's strings (tests check they are complete). */
export const ALL_FILES_STRINGS = STRINGS;

/** Fills `{key}` placeholders. */
export const fill = (s: string, values: Record<string, string>): string => s.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
