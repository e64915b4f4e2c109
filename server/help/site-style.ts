/**
 * The help site's stylesheet, inlined in each page under the CSP nonce (one request less, and
 * the app's theme colour goes straight in). System fonts, a readable column, dark mode from
 * the system setting.
 */

/** A hex colour from the config, re-checked here since it lands in CSS. */
const hex = (c: string | undefined): string => (c && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c) ? c : '#2563eb');

/** Black or white text on the brand colour, whichever reads better. */
function onColor(c: string): string {
  const h = c.length === 4 ? c.slice(1).replace(/./g, (x) => x + x) : c.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111827' : '#ffffff';
}

export function siteCss(themeColor: string | undefined): string {
  const brand = hex(themeColor);
  return `
:root{--brand:${brand};--on-brand:${onColor(brand)};--bg:#ffffff;--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--card:#f9fafb;--code:#f3f4f6;--mark:#fef08a;--link:color-mix(in srgb,var(--brand) 85%,#000);color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1115;--fg:#e5e7eb;--muted:#9ca3af;--line:#262a33;--card:#161a21;--code:#1d222b;--mark:#854d0e;--link:color-mix(in srgb,var(--brand) 55%,#fff)}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.65 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;text-rendering:optimizeLegibility}
a{color:var(--link);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem;z-index:2}
.top{background:var(--brand);color:var(--on-brand)}
.top .inner{max-width:60rem;margin:0 auto;padding:1.1rem 1.25rem 2.2rem}
.top nav{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap}
.top a{color:inherit;text-decoration:none;font-weight:600}
.top .brand{font-size:1.05rem}
.top .langs{display:flex;gap:.6rem;font-size:.9rem;font-weight:400}
.top .langs a{opacity:.85}.top .langs a[aria-current]{opacity:1;text-decoration:underline}
.top h1,.top .title{margin:1.6rem 0 1rem;font-weight:700;font-size:clamp(1.6rem,4vw,2.2rem);line-height:1.2;letter-spacing:-.01em}
form.search{display:flex;gap:.5rem;max-width:40rem}
form.search input{flex:1;min-width:0;font:inherit;padding:.7rem .95rem;border-radius:.6rem;border:1px solid transparent;background:var(--bg);color:var(--fg);box-shadow:0 1px 2px rgb(0 0 0/.15)}
form.search button{font:inherit;font-weight:600;padding:.7rem 1.1rem;border-radius:.6rem;border:0;background:var(--bg);color:var(--fg);cursor:pointer}
main{max-width:60rem;margin:0 auto;padding:2rem 1.25rem 3rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1.25rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.8rem;padding:1.1rem 1.25rem}
.card h2{margin:0 0 .6rem;font-size:1.05rem}
.card ul{list-style:none;margin:0;padding:0}
.card li{margin:.35rem 0}
.card li a{text-decoration:none}.card li a:hover{text-decoration:underline}
.results{list-style:none;padding:0;margin:0}
.results li{padding:1rem 0;border-bottom:1px solid var(--line)}
.results a{font-weight:600;font-size:1.08rem}
.results p,.muted{color:var(--muted);margin:.3rem 0 0}
mark{background:var(--mark);color:inherit;border-radius:.2em;padding:0 .1em}
article{max-width:46rem;margin:0 auto}
.crumbs{font-size:.92rem;color:var(--muted);margin-bottom:1rem}
.crumbs a{color:inherit}
article h1{font-size:clamp(1.7rem,4vw,2.3rem);line-height:1.2;margin:.2rem 0 .5rem;letter-spacing:-.01em}
article .lead{font-size:1.12rem;color:var(--muted);margin:0 0 .4rem}
article .meta{font-size:.9rem;color:var(--muted);margin-bottom:2rem}
.body h2{font-size:1.4rem;margin:2.2rem 0 .6rem;line-height:1.3}
.body h3{font-size:1.15rem;margin:1.8rem 0 .5rem}
.body h4,.body h5,.body h6{font-size:1rem;margin:1.5rem 0 .4rem}
.body p,.body ul,.body ol{margin:0 0 1.1rem}
.body li{margin:.3rem 0}.body li>p{margin:0 0 .4rem}
.body img{max-width:100%;height:auto;border-radius:.5rem;border:1px solid var(--line)}
.body blockquote{margin:0 0 1.1rem;padding:.4rem 1rem;border-inline-start:4px solid var(--brand);background:var(--card);border-radius:0 .4rem .4rem 0}
.body code{font:.88em/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.12em .35em;border-radius:.3em}
.body pre{background:var(--code);padding:1rem 1.1rem;border-radius:.6rem;overflow:auto;margin:0 0 1.2rem}
.body pre code{background:none;padding:0;font-size:.86rem}
.body hr{border:0;border-top:1px solid var(--line);margin:2rem 0}
.body .table{overflow-x:auto;margin:0 0 1.2rem}
.body table{border-collapse:collapse;min-width:100%;font-size:.95rem}
.body th,.body td{border:1px solid var(--line);padding:.5rem .7rem;text-align:start;vertical-align:top}
.body th{background:var(--card)}
.body .align-center{text-align:center}.body .align-right{text-align:end}
.related{margin-top:3rem;padding-top:1.5rem;border-top:1px solid var(--line)}
.related h2{font-size:1.05rem}
.related ul{padding-inline-start:1.2rem}
.help-more{max-width:60rem;margin:0 auto 3rem;padding:0 1.25rem}
.help-more .box{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap;background:var(--card);border:1px solid var(--line);border-radius:.8rem;padding:1.1rem 1.25rem}
.help-more .box p{margin:0;font-weight:600}
.help-more button{font:inherit;font-weight:600;background:var(--brand);color:var(--on-brand);border:0;border-radius:.6rem;padding:.6rem 1.1rem;cursor:pointer}
footer{max-width:60rem;margin:0 auto;padding:0 1.25rem 2.5rem;color:var(--muted);font-size:.9rem;display:flex;gap:1rem;flex-wrap:wrap}
footer a{color:inherit}
@media (max-width:40rem){body{font-size:16px}.top .inner{padding-bottom:1.6rem}}
@media print{.top form,.help-more,footer{display:none}.top{background:none;color:inherit}}
`;
}
