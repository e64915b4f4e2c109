import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const it: Catalog = {
  openChat: 'Apri la chat',
  closeChat: 'Chiudi la chat',
  unread: plural('it', { one: '# messaggio non letto', other: '# messaggi non letti' }),
  title: 'Scrivici',
  online: 'Siamo online',
  away: 'Ti risponderemo il prima possibile',
  reconnecting: 'Riconnessione…',
  messages: 'Conversazione',
  empty: 'Chiedici qualsiasi cosa. Di solito rispondiamo in pochi minuti.',
  composerLabel: 'Messaggio',
  placeholder: 'Scrivi un messaggio…',
  attachFile: 'Allega un file',
  threads: 'Conversazioni precedenti',
  send: 'Invia',
  sending: 'Invio…',
  sent: 'Inviato',
  notSent: 'Non inviato',
  seen: 'Visualizzato',
  typing: '{name} sta scrivendo…',
  you: 'Tu',
  team: 'Team',
  unknownApp: 'Questa chat non è configurata correttamente (id app sconosciuto).',
  badOrigin: 'Questa chat non è attiva su questo sito.',
  dismiss: 'Ignora',
  tabChat: 'Chat',
  tabHelp: 'Aiuto',
  tabBook: 'Prenota',
};

export default it;
