/**
 * Registers a tag unless it is already taken. A second copy of Convot on the page (two
 * snippets, or the snippet plus an npm bundle) gets a warning instead of a thrown error.
 */
export function defineOnce(tag: string, ctor: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (existing === ctor) return;
  if (existing) {
    console.warn(`Convot: <${tag}> is already defined by another copy of Convot on this page; this copy will not register it.`);
    return;
  }
  customElements.define(tag, ctor);
}
