/**
 * Strings of the earlier-conversations list, every locale in one module: loaded with the threads
 * chunk, so the chat's first open and the locale catalogs do not carry them (the title is also the
 * panel button's label, `threads` in the catalogs).
 */
export interface ThreadsStrings {
  title: string;
  back: string;
  open: string;
  closed: string;
  current: string;
  unread: string;
  empty: string;
  more: string;
  failed: string;
  /** A conversation with no message yet. */
  noMessage: string;
}

const STRINGS: Record<string, ThreadsStrings> = {
  en: { title: 'Earlier conversations', back: 'Back to the chat', open: 'Open', closed: 'Closed', current: 'Current', unread: 'New messages', empty: 'No conversations yet.', more: 'Show more', failed: 'Your conversations could not be loaded.', noMessage: 'No messages' },
  fr: { title: 'Conversations précédentes', back: 'Retour à la discussion', open: 'Ouverte', closed: 'Fermée', current: 'Actuelle', unread: 'Nouveaux messages', empty: 'Aucune conversation pour le moment.', more: 'Afficher plus', failed: "Vos conversations n'ont pas pu être chargées.", noMessage: 'Aucun message' },
  es: { title: 'Conversaciones anteriores', back: 'Volver al chat', open: 'Abierta', closed: 'Cerrada', current: 'Actual', unread: 'Mensajes nuevos', empty: 'Todavía no hay conversaciones.', more: 'Mostrar más', failed: 'No se pudieron cargar tus conversaciones.', noMessage: 'Sin mensajes' },
  de: { title: 'Frühere Unterhaltungen', back: 'Zurück zum Chat', open: 'Offen', closed: 'Geschlossen', current: 'Aktuell', unread: 'Neue Nachrichten', empty: 'Noch keine Unterhaltungen.', more: 'Mehr anzeigen', failed: 'Ihre Unterhaltungen konnten nicht geladen werden.', noMessage: 'Keine Nachrichten' },
  pt: { title: 'Conversas anteriores', back: 'Voltar ao chat', open: 'Aberta', closed: 'Encerrada', current: 'Atual', unread: 'Novas mensagens', empty: 'Ainda não há conversas.', more: 'Mostrar mais', failed: 'Não foi possível carregar suas conversas.', noMessage: 'Sem mensagens' },
  it: { title: 'Conversazioni precedenti', back: 'Torna alla chat', open: 'Aperta', closed: 'Chiusa', current: 'Attuale', unread: 'Nuovi messaggi', empty: 'Ancora nessuna conversazione.', more: 'Mostra altro', failed: 'Impossibile caricare le tue conversazioni.', noMessage: 'Nessun messaggio' },
  nl: { title: 'Eerdere gesprekken', back: 'Terug naar de chat', open: 'Open', closed: 'Gesloten', current: 'Huidig', unread: 'Nieuwe berichten', empty: 'Nog geen gesprekken.', more: 'Meer tonen', failed: 'Je gesprekken konden niet worden geladen.', noMessage: 'Geen berichten' },
  ja: { title: '以前の会話', back: 'チャットに戻る', open: '対応中', closed: '終了', current: '現在', unread: '新着メッセージ', empty: 'まだ会話はありません。', more: 'さらに表示', failed: '会話を読み込めませんでした。', noMessage: 'メッセージなし' },
  zh: { title: '以前的对话', back: '返回聊天', open: '进行中', closed: '已关闭', current: '当前', unread: '新消息', empty: '还没有对话。', more: '显示更多', failed: '无法加载你的对话。', noMessage: '没有消息' },
  ar: { title: 'محادثات سابقة', back: 'العودة إلى الدردشة', open: 'مفتوحة', closed: 'مغلقة', current: 'الحالية', unread: 'رسائل جديدة', empty: 'لا توجد محادثات بعد.', more: 'عرض المزيد', failed: 'تعذر تحميل محادثاتك.', noMessage: 'لا توجد رسائل' },
  he: { title: 'שיחות קודמות', back: 'חזרה לצ׳אט', open: 'פתוחה', closed: 'סגורה', current: 'נוכחית', unread: 'הודעות חדשות', empty: 'עדיין אין שיחות.', more: 'להציג עוד', failed: 'לא הצלחנו לטעון את השיחות שלך.', noMessage: 'אין הודעות' },
};

/** The strings for a supported locale tag (its base language), else English. */
export const threadsStrings = (locale: string): ThreadsStrings => STRINGS[locale.split('-')[0]!.toLowerCase()] ?? STRINGS.en!;
