/** Small real files for attachment tests (server, browser and e2e): valid headers, tiny bodies. */

/** A 3×2 PNG (8-bit RGBA, one IDAT), decodable by browsers. */
export const PNG_3x2 = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAGElEQVR4nGM4wZDy/4Rcyv8TNin/GZA5AK23Dbcz4LXaAAAAAElFTkSuQmCC'),
  (c) => c.charCodeAt(0),
);

/** A one-page PDF. */
export const PDF = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** An HTML page: what a renamed `cat.png` might really be. */
export const HTML = new TextEncoder().encode('<!doctype html><script>alert(1)</script>');
