/**
 * Attachments in the widget, in a real Chromium against the real test server: the attach
 * button (labelled, a real button, picking through the file input), dropping files onto the
 * chat and pasting them into the message field; each upload's progress bar; the message naming
 * the limit for a file too large or of a kind the app does not take (nothing sent); images shown
 * as thumbnails fetched with the token (object URLs, revoked when the message leaves) and other
 * files as download buttons; the page's hide-attachment-button; every locale's strings.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { ALL_FILES_STRINGS } from '../../src/elements/chat-files/files-strings.js';
import { en } from '../../src/i18n/en.js';
import { PDF, PNG_3x2 } from '../support/files.js';
import { appId, openWidget, panel, panelPart, server, widgetFixture } from './helpers.js';

const file = (bytes: Uint8Array, name: string, type: string) => new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
const transfer = (...files: File[]) => {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  return dt;
};
const attachments = (el: ConvotWidget) => [...(panel(el)?.shadowRoot?.querySelectorAll('convot-attachment') ?? [])];
const uploads = (el: ConvotWidget) => panelPart(el, 'convot-uploads')?.shadowRoot ?? null;
const thumb = (el: ConvotWidget) => attachments(el).map((a) => a.shadowRoot?.querySelector('img')).find(Boolean) ?? null;

async function open(): Promise<ConvotWidget> {
  const el = await widgetFixture();
  await openWidget(el);
  return el;
}

describe('attachments', () => {
  it('the attach button is a labelled button that opens the file input; a picked image shows as a thumbnail loaded with the token', async () => {
    const el = await open();
    const button = panelPart<HTMLButtonElement>(el, 'button.attach')!;
    expect(button.getAttribute('aria-label')).to.equal(en.attachFile);
    expect(button.type).to.equal('button');
    const input = panelPart<HTMLInputElement>(el, 'input[type=file]')!;
    let picked = false;
    input.addEventListener('click', (e) => {
      picked = true;
      e.preventDefault(); // no native picker in a test
    });
    button.focus();
    button.click();
    expect(picked).to.equal(true);

    input.files = transfer(file(PNG_3x2, 'dot.png', 'image/png')).files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await waitUntil(() => thumb(el)?.complete && thumb(el)!.naturalWidth === 3, 'thumbnail did not load', { timeout: 8000 });
    const img = thumb(el)!;
    expect(img.src.startsWith('blob:')).to.equal(true);
    expect(img.alt).to.equal('dot.png');
    expect(el.client!.state.messages.at(-1)!.card).to.include({ type: 'attachment', name: 'dot.png', mime: 'image/png', width: 3, height: 2 });
    expect(input.value).to.equal('', 'the input is emptied so the same file can be picked again');

    // The message leaves the page: its object URL is revoked.
    const src = img.src;
    el.remove();
    await aTimeout(0);
    let revoked = false;
    await fetch(src).catch(() => (revoked = true));
    expect(revoked).to.equal(true);
  });

  it('files dropped onto the chat are sent (a drag over it is welcomed); a PDF shows as a download button with its size', async () => {
    const el = await open();
    const log = panelPart(el, '.messages')!;
    const over = new DragEvent('dragover', { dataTransfer: transfer(), bubbles: true, composed: true, cancelable: true });
    over.dataTransfer!.items.add(file(PDF, 'x.pdf', 'application/pdf'));
    log.dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);
    log.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(file(PDF, 'terms.pdf', 'application/pdf')), bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => attachments(el).some((a) => a.shadowRoot?.querySelector('button.file')), 'the PDF did not show', { timeout: 8000 });
    const button = attachments(el).map((a) => a.shadowRoot!.querySelector<HTMLButtonElement>('button.file')).find(Boolean)!;
    expect(button.getAttribute('aria-label')).to.equal('Download terms.pdf');
    expect(button.textContent).to.contain('terms.pdf');
    expect(button.querySelector('.size')!.textContent).to.equal(`${PDF.length} bytes`);
  });

  it('a file pasted into the message field is sent; pasting text stays text', async () => {
    const el = await open();
    const field = panelPart<HTMLTextAreaElement>(el, 'textarea')!;
    const text = new DataTransfer();
    text.setData('text/plain', 'hello');
    const textPaste = new ClipboardEvent('paste', { clipboardData: text, bubbles: true, composed: true, cancelable: true });
    field.dispatchEvent(textPaste);
    expect(textPaste.defaultPrevented).to.equal(false);
    const paste = new ClipboardEvent('paste', { clipboardData: transfer(file(PNG_3x2, 'screenshot.png', 'image/png')), bubbles: true, composed: true, cancelable: true });
    field.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    await waitUntil(() => thumb(el)?.naturalWidth === 3, 'pasted image did not show', { timeout: 8000 });
  });

  it('each upload has a progress bar that moves, and goes when the file is stored', async () => {
    const el = await open();
    // 6 MB that start like a PNG: the server takes it (its bytes say PNG), slowly enough to watch.
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(PNG_3x2);
    const seen: number[] = [];
    let watching = true;
    const watch = () => {
      const bar = uploads(el)?.querySelector('progress');
      if (bar) seen.push(bar.value);
      if (watching) requestAnimationFrame(watch);
    };
    watch();
    panelPart(el, '.messages')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(file(big, 'big.png', 'image/png')), bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => uploads(el)?.querySelector('progress'), 'no progress bar', { timeout: 8000 });
    expect(uploads(el)!.querySelector('progress')!.getAttribute('aria-label')).to.equal('Sending big.png…');
    await waitUntil(() => el.client!.state.messages.some((m) => m.card?.type === 'attachment' && m.card.name === 'big.png' && m.seq !== null), 'not stored', { timeout: 15000 });
    await waitUntil(() => !uploads(el)!.querySelector('progress'), 'the bar stayed');
    watching = false;
    expect(seen.length).to.be.greaterThan(0);
    expect(Math.max(...seen)).to.be.greaterThan(0, 'the bar moved');
  });

  it('too large or a kind the app does not take: an alert naming the limit, and nothing is sent', async () => {
    const el = await open();
    const before = el.client!.state.messages.length;
    const huge = file(new Uint8Array(10 * 1024 * 1024 + 1), 'video.png', 'image/png');
    const page = file(new TextEncoder().encode('<html></html>'), 'page.html', 'text/html');
    panelPart(el, '.messages')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(huge, page), bubbles: true, composed: true, cancelable: true }));
    await waitUntil(() => uploads(el)?.querySelectorAll('[role=alert]').length === 2, 'no alerts');
    const alerts = [...uploads(el)!.querySelectorAll('[role=alert]')].map((a) => a.textContent!.trim());
    expect(alerts[0]).to.contain('video.png is larger than 10 MB, the most you can send here.');
    expect(alerts[1]).to.contain('page.html cannot be sent: only PNG, JPEG, GIF, WEBP, PDF, TXT files are allowed here.');
    await aTimeout(300);
    expect(el.client!.state.messages.length).to.equal(before);
    // Dismissed with its button.
    uploads(el)!.querySelector<HTMLButtonElement>('[role=alert] button')!.click();
    await waitUntil(() => uploads(el)!.querySelectorAll('[role=alert]').length === 1);
  });

  it('hide-attachment-button: no attach button, and dropped or pasted files are left alone', async () => {
    localStorage.clear();
    const el = await fixture<ConvotWidget>(html`<convot-widget app-id=${appId()} server=${server()} hide-attachment-button></convot-widget>`);
    await waitUntil(() => el.client?.state.connection === 'online', 'not connected', { timeout: 8000 });
    await openWidget(el);
    expect(panelPart(el, 'button.attach')).to.equal(null);
    const drop = new DragEvent('drop', { dataTransfer: transfer(file(PNG_3x2, 'dot.png', 'image/png')), bubbles: true, composed: true, cancelable: true });
    panelPart(el, '.messages')!.dispatchEvent(drop);
    expect(drop.defaultPrevented).to.equal(false);
    await aTimeout(300);
    expect(panelPart(el, 'convot-uploads')).to.equal(null);
  });

  it('every locale has the attach label and the chunk\u2019s strings', () => {
    const keys = Object.keys(ALL_FILES_STRINGS.en!).sort();
    for (const [locale, strings] of Object.entries(ALL_FILES_STRINGS)) expect(Object.keys(strings).sort(), locale).to.deep.equal(keys);
    expect(Object.keys(ALL_FILES_STRINGS).sort()).to.deep.equal(['ar', 'de', 'en', 'es', 'fr', 'he', 'it', 'ja', 'nl', 'pt', 'zh']);
  });
});
