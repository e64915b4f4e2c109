import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const nl: Catalog = {
  openChat: 'Chat openen',
  closeChat: 'Chat sluiten',
  unread: plural('nl', { one: '# ongelezen bericht', other: '# ongelezen berichten' }),
  title: 'Chat met ons',
  online: 'We zijn online',
  away: 'We antwoorden zo snel mogelijk',
  reconnecting: 'Opnieuw verbinden…',
  messages: 'Gesprek',
  empty: 'Vraag ons alles. We antwoorden meestal binnen een paar minuten.',
  composerLabel: 'Bericht',
  placeholder: 'Schrijf een bericht…',
  attachFile: 'Bestand bijvoegen',
  threads: 'Eerdere gesprekken',
  send: 'Versturen',
  sending: 'Bezig met versturen…',
  sent: 'Verstuurd',
  notSent: 'Niet verstuurd',
  seen: 'Gezien',
  typing: '{name} is aan het typen…',
  you: 'Jij',
  team: 'Team',
  unknownApp: 'Deze chat is niet goed ingesteld (onbekende app-id).',
  badOrigin: 'Deze chat is niet ingeschakeld op deze website.',
  dismiss: 'Sluiten',
  tabChat: 'Chat',
  tabHelp: 'Hulp',
  tabBook: 'Afspraak',
};

export default nl;
