/**
 * Files the server hands to browsers: the snippet loader, the built library under /dist/
 * (CORS-open so a page on any origin can import it as a module), the inbox and the demo pages.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The inbox page allows only its own scripts, styles and connections. */
const INBOX_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function staticRoutes(app: FastifyInstance, { root }: { root: string }): Promise<void> {
  const dist = join(root, 'dist');
  const demo = join(root, 'demo');
  const built = () => existsSync(join(dist, 'widget-loader.js'));

  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/dist/',
    decorateReply: true,
    cacheControl: false,
    setHeaders(res) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'public, max-age=300');
    },
  });
  await app.register(fastifyStatic, { root: demo, prefix: '/demo/', decorateReply: false, index: ['index.html'] });

  app.get('/widget-loader.js', (_req, reply) => {
    if (!built()) return reply.code(503).type('text/plain').send('The widget is not built: run `npm run build`.');
    reply.header('Cache-Control', 'public, max-age=300');
    return reply.sendFile('widget-loader.js', dist);
  });

  app.get('/inbox', (_req, reply) => {
    reply.header('Content-Security-Policy', INBOX_CSP);
    return reply.sendFile('inbox.html', join(root, 'server', 'pages'));
  });

  app.get('/', (_req, reply) => reply.redirect('/demo/'));
  app.get('/healthz', async () => ({ ok: true }));
}
