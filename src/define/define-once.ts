/**
 * Registers a tag unless it is already taken. A second copy of Convot on the page (two
 * snippets, or the snippet plus an npm bundle) gets a warning instead of a thrown error.
 *
 * Without a DOM (server-side rendering, or any plain Node import) it registers nothing. Lit's
 * `node` build puts a stand-in `customElements` registry on `globalThis` but no `document`, so
 * both are checked: the element stays an unknown tag in server HTML and upgrades in the browser.
 */
export function defineOnce(tag: string, ctor: CustomElementConstructor): void {
  if (typeof customElements === 'undefined' || typeof document === 'undefined') return;
  const existing = customElements.get(tag);
  if (existing === ctor) return;
  if (existing) {
    console.warn(`Convot: <${tag}> is already defined by another copy of Convot on this page; this copy will not register it.`);
    return;
  }
  customElements.define(tag, ctor);
}
