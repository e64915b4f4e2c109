/**
 * One inbox socket: each frame is parsed and handed to one AgentService method; the service
 * counts the open inbox and sends `ready`.
 */
import type { WebSocket } from '@fastify/websocket';
import { parseAgentFrame, type AgentProfile, type AgentServerFrame } from '../../src/protocol/index.js';
import type { Log } from '../log.js';
import type { AgentService } from '../services/agent-service.js';
import { readFrames, sender } from './socket-frames.js';

export function agentSocket(socket: WebSocket, agent: AgentProfile, sessionToken: string, agents: AgentService, log: Log): void {
  const send = sender<AgentServerFrame>(socket, agents.sendBufferLimit);
  const disconnect = agents.connect(agent, sessionToken, {
    send,
    isOpen: () => socket.readyState === socket.OPEN,
    close: (code, reason) => socket.close(code, reason),
  });

  readFrames<AgentServerFrame>(socket, {
    textOnly: false,
    log,
    send,
    // The client id lets the inbox match an error to the reply it sent.
    errorFrame: (e, data) => ({ type: 'error', ...e.toBody(), ...(typeof data?.client_id === 'string' ? { client_id: data.client_id } : {}) }),
    async onFrame(data) {
      await agents.checkFrame(sessionToken);
      const frame = parseAgentFrame(data);
      switch (frame.type) {
        case 'message': {
          const { message } = await agents.reply(agent, frame.conversation_id, frame);
          send({ type: 'ack', client_id: frame.client_id, message });
          return;
        }
        case 'read':
          return agents.markRead(agent, frame.conversation_id, frame.seq);
        case 'typing':
          return agents.typing(agent, sessionToken, frame.conversation_id, frame.typing);
        case 'presence':
          return agents.setOnline(agent, frame.online);
        case 'ping':
          return send({ type: 'pong' });
      }
    },
  });
  socket.on('close', disconnect);
}
