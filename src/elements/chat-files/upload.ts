/**
 * One upload: checked here first against the app's limits (the server checks again), then sent
 * with XHR, whose upload progress events give the progress bar (fetch has none for uploads yet).
 */
import { ERRORS, baseType, formatBytes, routeUrl, visitorApi, type AttachmentLimits, type ErrorCode, type WireMessage } from '../../protocol/index.js';
import { fill, type FilesStrings } from './files-strings.js';

/** "PNG, JPEG, PDF, TXT" for a limit message. */
export const typeNames = (types: readonly string[]): string => [...new Set(types.map((t) => (t === 'text/plain' ? 'TXT' : t.split('/')[1]!.toUpperCase())))].join(', ');

/** Null when the file may be sent; else the message naming the limit. */
export function refusal(file: File, limits: AttachmentLimits, s: FilesStrings): string | null {
  if (file.size > limits.max_bytes) return fill(s.tooLarge, { name: file.name, max: formatBytes(limits.max_bytes) });
  if (!limits.types.includes(baseType(file.type))) return fill(s.badType, { name: file.name, types: typeNames(limits.types) });
  return null;
}

export class UploadError extends Error {
  constructor(readonly code: ErrorCode | null, message: string) {
    super(message);
  }
}

/** POSTs the file; resolves with the stored message, rejects with an UploadError. */
export function upload(server: string, appId: string, token: string, file: File, clientId: string, onProgress: (fraction: number) => void): Promise<WireMessage> {
  const url = new URL(routeUrl(visitorApi.upload.path, { appId }, { client_id: clientId, name: file.name || 'file' }).slice(1), server).href;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', baseType(file.type) || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { message?: WireMessage; code?: string } | null = null;
      try {
        body = JSON.parse(xhr.responseText) as { message?: WireMessage; code?: string };
      } catch {
        // a proxy's page: no JSON
      }
      if (xhr.status >= 200 && xhr.status < 300 && body?.message) return resolve(body.message);
      const code = typeof body?.code === 'string' && body.code in ERRORS ? (body.code as ErrorCode) : null;
      reject(new UploadError(code, `upload: HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new UploadError(null, 'upload: network error'));
    xhr.send(file);
  });
}
