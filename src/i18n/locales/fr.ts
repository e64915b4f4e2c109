import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const fr: Catalog = {
  openChat: 'Ouvrir le chat',
  closeChat: 'Fermer le chat',
  unread: plural('fr', { one: '# message non lu', other: '# messages non lus' }),
  title: 'Discutons',
  online: 'Nous sommes en ligne',
  away: 'Nous vous répondrons dès que possible',
  reconnecting: 'Reconnexion…',
  messages: 'Conversation',
  empty: 'Posez-nous vos questions. Nous répondons en général en quelques minutes.',
  composerLabel: 'Message',
  placeholder: 'Écrivez un message…',
  attachFile: 'Joindre un fichier',
  threads: 'Conversations précédentes',
  send: 'Envoyer',
  sending: 'Envoi…',
  sent: 'Envoyé',
  notSent: 'Non envoyé',
  seen: 'Vu',
  typing: '{name} écrit…',
  you: 'Vous',
  team: 'Équipe',
  unknownApp: "Ce chat n'est pas configuré correctement (identifiant d'app inconnu).",
  badOrigin: "Ce chat n'est pas activé sur ce site.",
  dismiss: 'Ignorer',
  tabChat: 'Chat',
  tabHelp: 'Aide',
  tabBook: 'Rendez-vous',
};

export default fr;
