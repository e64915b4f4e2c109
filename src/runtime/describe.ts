/** Console messages for bad calls: they name the value received, and never throw. */
export const warn = (msg: string): void => console.warn(`Convot: ${msg}`);

/** A short rendering of a primitive for a warning. */
export const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

/** A short rendering of any value for a warning (events, elements and objects included). */
export function describe(v: unknown): string {
  if (typeof Event !== 'undefined' && v instanceof Event) return `an Event (${v.type})`;
  if (typeof Element !== 'undefined' && v instanceof Element) return `an Element <${v.localName}>`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v).slice(0, 80);
    } catch {
      return 'an object';
    }
  }
  return show(v);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isContent = (v: unknown): v is { content: string } => isPlainObject(v) && typeof v.content === 'string';
