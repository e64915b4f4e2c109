/**
 * The inbox's attachments: a file into a conversation (XHR, for its upload progress; the
 * sign-in cookie goes along, same origin), and where a stored file is fetched. The server checks
 * the app's limits and answers a refusal with a message naming them, shown as is.
 */
import { agentApi, baseType, routeUrl, type WireMessage } from '../protocol/index.js';

/** Where the inbox fetches an attachment: inline (a thumbnail) or as a download. */
export const attachmentUrl = (id: string, download = false): string => routeUrl(agentApi.attachment.path, { id }, { download: download ? 1 : undefined });

export function uploadAttachment(conversationId: string, clientId: string, file: File, onProgress: (fraction: number) => void): Promise<WireMessage> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', routeUrl(agentApi.upload.path, { id: conversationId }, { client_id: clientId, name: file.name || 'file' }));
    xhr.setRequestHeader('Content-Type', baseType(file.type) || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { message?: unknown } = {};
      try {
        body = JSON.parse(xhr.responseText) as { message?: unknown };
      } catch {
        // not JSON: a proxy's page
      }
      if (xhr.status >= 200 && xhr.status < 300 && typeof body.message === 'object') resolve(body.message as WireMessage);
      else reject(new Error(typeof body.message === 'string' ? body.message : `The server answered ${xhr.status}.`));
    };
    xhr.onerror = () => reject(new Error('Cannot reach the server.'));
    xhr.send(file);
  });
}
