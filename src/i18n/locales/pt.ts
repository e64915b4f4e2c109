import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const pt: Catalog = {
  openChat: 'Abrir chat',
  closeChat: 'Fechar chat',
  unread: plural('pt', { one: '# mensagem não lida', other: '# mensagens não lidas' }),
  title: 'Fale conosco',
  online: 'Estamos online',
  away: 'Responderemos assim que possível',
  reconnecting: 'Reconectando…',
  messages: 'Conversa',
  empty: 'Pergunte o que quiser. Costumamos responder em poucos minutos.',
  composerLabel: 'Mensagem',
  placeholder: 'Escreva uma mensagem…',
  attachFile: 'Anexar um arquivo',
  threads: 'Conversas anteriores',
  send: 'Enviar',
  sending: 'Enviando…',
  sent: 'Enviada',
  notSent: 'Não enviada',
  seen: 'Visto',
  typing: '{name} está digitando…',
  you: 'Você',
  team: 'Equipe',
  unknownApp: 'Este chat não está configurado corretamente (id de app desconhecido).',
  badOrigin: 'Este chat não está ativado neste site.',
  dismiss: 'Dispensar',
  tabChat: 'Chat',
  tabHelp: 'Ajuda',
  tabBook: 'Agendar',
};

export default pt;
