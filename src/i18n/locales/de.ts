import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const de: Catalog = {
  openChat: 'Chat öffnen',
  closeChat: 'Chat schließen',
  unread: plural('de', { one: '# ungelesene Nachricht', other: '# ungelesene Nachrichten' }),
  title: 'Schreiben Sie uns',
  online: 'Wir sind online',
  away: 'Wir antworten so bald wie möglich',
  reconnecting: 'Verbindung wird wiederhergestellt…',
  messages: 'Unterhaltung',
  empty: 'Fragen Sie uns alles. Wir antworten meist innerhalb weniger Minuten.',
  composerLabel: 'Nachricht',
  placeholder: 'Nachricht schreiben…',
  attachFile: 'Datei anhängen',
  threads: 'Frühere Unterhaltungen',
  send: 'Senden',
  sending: 'Wird gesendet…',
  sent: 'Gesendet',
  notSent: 'Nicht gesendet',
  seen: 'Gesehen',
  typing: '{name} schreibt…',
  you: 'Sie',
  team: 'Team',
  unknownApp: 'Dieser Chat ist nicht richtig eingerichtet (unbekannte App-ID).',
  badOrigin: 'Dieser Chat ist auf dieser Website nicht aktiviert.',
  dismiss: 'Schließen',
  tabChat: 'Chat',
  tabHelp: 'Hilfe',
  tabBook: 'Termin',
};

export default de;
