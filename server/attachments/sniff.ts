/**
 * What a file's first bytes say it is. A declared image or PDF must start like one, so a page or
 * a script renamed `cat.png` cannot be served as an image; any declared type is refused when the
 * bytes look like HTML, SVG or XML (a browser that ignored our headers could run it). Pixel sizes
 * come from the image header when it is cheap to read (no decoding).
 */

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));

/** The type the bytes prove, for the types we check (images and PDF); null when none matches. */
export function sniffType(b: Uint8Array): string | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(b, 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

/** Types whose content we can and do verify. */
const VERIFIED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

/** True when the bytes start like markup a browser would render (HTML, SVG, XML), after a BOM and whitespace. */
export function looksLikeMarkup(b: Uint8Array): boolean {
  let head = ascii(b, 0, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  head = head.replace(/^<!--[\s\S]*?-->\s*/, '');
  return /^<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|img|div|a\s|meta|style|link)/.test(head);
}

/** Null when the bytes may be served as `declared`; else why not. */
export function checkContent(declared: string, b: Uint8Array): string | null {
  const proven = sniffType(b);
  if (VERIFIED.has(declared)) return proven === declared ? null : `the file does not look like ${declared}${proven ? ` (its bytes say ${proven})` : ''}`;
  if (looksLikeMarkup(b)) return 'the file looks like HTML, SVG or XML';
  return null;
}

/** Width and height from a PNG, GIF, WebP or JPEG header; null when not found cheaply. */
export function imageSize(type: string, b: Uint8Array): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    if (type === 'image/png' && b.length >= 24) return { width: dv.getUint32(16), height: dv.getUint32(20) };
    if (type === 'image/gif' && b.length >= 10) return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
    if (type === 'image/webp' && b.length >= 30) {
      const chunk = ascii(b, 12, 16);
      if (chunk === 'VP8X') return { width: 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16)), height: 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16)) };
      if (chunk === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
      if (chunk === 'VP8L') {
        const bits = dv.getUint32(21, true);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
      }
      return null;
    }
    if (type === 'image/jpeg') {
      // Walk the segments to the first start-of-frame marker (SOF0..SOF15 but DHT, JPG, DAC).
      let i = 2;
      while (i + 9 < b.length) {
        if (b[i] !== 0xff) return null;
        const marker = b[i + 1]!;
        if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          i += 2;
          continue;
        }
        const len = dv.getUint16(i + 2);
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
        i += 2 + len;
      }
    }
  } catch {
    // A truncated header: no size, the file is still served.
  }
  return null;
}
