/**
 * The logger server modules write to: the Fastify app's (pino) logger, so everything the
 * server reports goes to one place with one format and level (CONVOT_LOG).
 */
import type { FastifyBaseLogger } from 'fastify';

export type Log = Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
