import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const he: Catalog = {
  openChat: 'פתיחת הצ׳אט',
  closeChat: 'סגירת הצ׳אט',
  unread: plural('he', { one: 'הודעה אחת שלא נקראה', two: 'שתי הודעות שלא נקראו', other: '# הודעות שלא נקראו' }),
  title: 'דברו איתנו',
  online: 'אנחנו מחוברים',
  away: 'נחזור אליכם בהקדם האפשרי',
  reconnecting: 'מתחברים מחדש…',
  messages: 'שיחה',
  empty: 'שאלו אותנו כל דבר. בדרך כלל אנחנו עונים תוך כמה דקות.',
  composerLabel: 'הודעה',
  placeholder: 'כתבו הודעה…',
  attachFile: 'צירוף קובץ',
  threads: 'שיחות קודמות',
  send: 'שליחה',
  sending: 'שולחים…',
  sent: 'נשלחה',
  notSent: 'לא נשלחה',
  seen: 'נצפה',
  typing: '{name} מקליד/ה…',
  you: 'אתם',
  team: 'הצוות',
  unknownApp: 'הצ׳אט הזה לא מוגדר כראוי (מזהה אפליקציה לא מוכר).',
  badOrigin: 'הצ׳אט הזה לא מופעל באתר הזה.',
  dismiss: 'סגירה',
  tabChat: "צ'אט",
  tabHelp: 'עזרה',
  tabBook: 'קביעת פגישה',
};

export default he;
