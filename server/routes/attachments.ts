/**
 * The HTTP side of attachments, shared by the visitor and agent plugins: a raw-body parser for
 * uploads that stops reading at the limit (413 naming it, before the rest arrives), and how a
 * file is served (a download, never rendered by the browser as a page).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ATTACHMENT_HARD_CAP_BYTES, ProtocolError, THUMBNAIL_TYPES, formatBytes } from '../../src/protocol/index.js';
import type { Download } from '../services/attachment-service.js';

/**
 * Uploads (routes whose path ends in `/attachments`) take any Content-Type as raw bytes, at most
 * `limitOf(req)`, and only from a caller `admit` accepts (checked before a byte is read, so
 * nobody can make the server read megabytes without a session); other routes keep refusing a
 * body that is not JSON. Fastify's own text/plain parser is replaced in this plugin only, so a
 * text file is bytes too.
 */
export function uploadParser(app: FastifyInstance, limitOf: (req: FastifyRequest) => number, admit: (req: FastifyRequest) => Promise<unknown>): void {
  const parse = (req: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: unknown) => void) => {
    if (!req.routeOptions.url?.endsWith('/attachments')) {
      const err = Object.assign(new Error('Send the body as application/json.'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
      return done(err);
    }
    admit(req).then(
      () => read(req, payload, done),
      (e: Error) => done(e),
    );
  };
  const read = (req: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: unknown) => void) => {
    const limit = Math.min(limitOf(req), ATTACHMENT_HARD_CAP_BYTES);
    const tooLarge = () => new ProtocolError('CONVOT_ERR_ATTACHMENT_TOO_LARGE', `The file is larger than ${formatBytes(limit)}, the most this chat accepts.`, 'body');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return done(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    payload.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        done(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => {
      if (!failed) done(null, Buffer.concat(chunks));
    });
    payload.on('error', (e: Error) => {
      if (!failed) done(e);
      failed = true;
    });
  };
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', parse);
  app.addContentTypeParser('*', parse);
}

/** The upload's bytes (an empty upload without a Content-Type has no parsed body). */
export const uploadedBytes = (req: FastifyRequest): Uint8Array => (req.body instanceof Uint8Array ? req.body : new Uint8Array());

/**
 * Sends a stored file. Always `nosniff`, a CSP that allows nothing and sandboxes the response
 * (a file opened directly cannot run anything), never cached by shared caches. Images of the
 * thumbnail types go inline (the thumbnail fetch); everything else is an attachment, and a type
 * outside the allowed images, PDF and plain text is sent as application/octet-stream.
 */
export function sendFile(reply: FastifyReply, { row, data }: Download, req: FastifyRequest): FastifyReply {
  const query = req.query as { download?: string } | undefined;
  const inline = THUMBNAIL_TYPES.includes(row.mime) && query?.download === undefined;
  const type = THUMBNAIL_TYPES.includes(row.mime) || row.mime === 'application/pdf' ? row.mime : row.mime === 'text/plain' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  const ascii = row.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header('Content-Type', type)
    .header('Content-Length', String(data.byteLength))
    .header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.name)}`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'private, no-store')
    .send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
