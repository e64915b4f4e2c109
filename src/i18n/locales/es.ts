import type { Catalog } from '../en.js';
import { plural } from '../plural.js';

const es: Catalog = {
  openChat: 'Abrir chat',
  closeChat: 'Cerrar chat',
  unread: plural('es', { one: '# mensaje sin leer', other: '# mensajes sin leer' }),
  title: 'Chatea con nosotros',
  online: 'Estamos en línea',
  away: 'Te responderemos lo antes posible',
  reconnecting: 'Reconectando…',
  messages: 'Conversación',
  empty: 'Pregúntanos lo que quieras. Solemos responder en pocos minutos.',
  composerLabel: 'Mensaje',
  placeholder: 'Escribe un mensaje…',
  attachFile: 'Adjuntar un archivo',
  threads: 'Conversaciones anteriores',
  send: 'Enviar',
  sending: 'Enviando…',
  sent: 'Enviado',
  notSent: 'No enviado',
  seen: 'Visto',
  typing: '{name} está escribiendo…',
  you: 'Tú',
  team: 'Equipo',
  unknownApp: 'Este chat no está bien configurado (id de app desconocido).',
  badOrigin: 'Este chat no está habilitado en este sitio.',
  dismiss: 'Descartar',
  tabChat: 'Chat',
  tabHelp: 'Ayuda',
  tabBook: 'Reservar',
};

export default es;
