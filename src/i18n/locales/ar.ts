import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const ar: Catalog = {
  openChat: 'افتح الدردشة',
  closeChat: 'أغلق الدردشة',
  unread: plural('ar', {
    zero: 'لا رسائل غير مقروءة',
    one: 'رسالة واحدة غير مقروءة',
    two: 'رسالتان غير مقروءتين',
    few: '# رسائل غير مقروءة',
    many: '# رسالة غير مقروءة',
    other: '# رسالة غير مقروءة',
  }),
  title: 'تحدث معنا',
  online: 'نحن متصلون الآن',
  away: 'سنرد عليك في أقرب وقت ممكن',
  reconnecting: 'جارٍ إعادة الاتصال…',
  messages: 'المحادثة',
  empty: 'اسألنا أي شيء. عادةً نرد خلال دقائق.',
  composerLabel: 'رسالة',
  placeholder: 'اكتب رسالة…',
  attachFile: 'إرفاق ملف',
  threads: 'محادثات سابقة',
  send: 'إرسال',
  sending: 'جارٍ الإرسال…',
  sent: 'أُرسلت',
  notSent: 'لم تُرسل',
  seen: 'تمت المشاهدة',
  typing: '{name} يكتب…',
  you: 'أنت',
  team: 'الفريق',
  unknownApp: 'هذه الدردشة غير مُعدّة بشكل صحيح (معرّف تطبيق غير معروف).',
  badOrigin: 'هذه الدردشة غير مفعّلة على هذا الموقع.',
  dismiss: 'تجاهل',
  tabChat: 'محادثة',
  tabHelp: 'مساعدة',
  tabBook: 'حجز',
};

export default ar;
