/**
 * Files the server hands to browsers: the snippet loader, the built library under /dist/
 * (CORS-open so a page on any origin can import it as a module), the inbox and, in demo mode
 * only, the demo pages. Config files live outside every served folder (config/).
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Chunks named by their content (`name-[hash].js`, also as .br/.gz): a new build gives new names. */
const HASHED = /-[A-Za-z0-9_-]{8}\.js(\.br|\.gz)?$/;
/** Entry files keep their names across builds: a short cache lets a new version reach pages soon. */
const SHORT_CACHE = 'public, max-age=300';

/** The inbox page allows only its own scripts, styles and connections. */
const INBOX_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function staticRoutes(
  app: FastifyInstance,
  { root, demo: demoMode, helpHome }: { root: string; demo: boolean; helpHome?: (req: FastifyRequest) => Promise<string | null> },
): Promise<void> {
  const dist = join(root, 'dist');
  const demo = join(root, 'demo');
  const built = () => existsSync(join(dist, 'widget-loader.js'));

  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/dist/',
    decorateReply: true,
    cacheControl: false,
    // scripts/compress.mjs writes .br and .gz beside each file at build.
    preCompressed: true,
    setHeaders(res, path) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : SHORT_CACHE);
    },
  });
  // Demo pages only in demo mode: a production server serves nothing it does not need.
  if (demoMode) await app.register(fastifyStatic, { root: demo, prefix: '/demo/', decorateReply: false, index: ['index.html'] });

  app.get('/widget-loader.js', (_req, reply) => {
    if (!built()) return reply.code(503).type('text/plain').send('The widget is not built: run `npm run build`.');
    reply.header('Cache-Control', SHORT_CACHE);
    return reply.sendFile('widget-loader.js', dist);
  });

  // The HubSpot Conversations drop-in (src/api/compat/): its script tag names the app with data-app-id.
  app.get('/compat/hubspot.js', (_req, reply) => {
    if (!built()) return reply.code(503).type('text/plain').send('The widget is not built: run `npm run build`.');
    reply.header('Cache-Control', SHORT_CACHE);
    return reply.sendFile('compat-hubspot.js', dist);
  });

  app.get('/inbox', (_req, reply) => {
    reply.header('Content-Security-Policy', INBOX_CSP);
    // The build copies the page (with .br and .gz) into dist/pages/; before a build, the source.
    return built() ? reply.sendFile('pages/inbox.html', dist) : reply.sendFile('inbox.html', join(root, 'server', 'pages'));
  });

  // An app's help_host is its help center; any other host starts at the demo or the inbox.
  app.get('/', async (req, reply) => reply.redirect((await helpHome?.(req)) ?? (demoMode ? '/demo/' : '/inbox')));
  app.get('/healthz', async () => ({ ok: true }));
}
