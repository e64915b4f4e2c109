import { css } from 'lit';
import { buttonStyles, tabLayout } from '../shared/controls.styles.js';

export const helpStyles = [
  tabLayout,
  buttonStyles,
  css`
  .scroll {
    padding-top: 4px;
  }
  .search {
    position: relative;
    margin: 12px 16px 8px;
  }
  .search svg {
    position: absolute;
    inset-inline-start: 10px;
    top: 50%;
    width: 18px;
    height: 18px;
    transform: translateY(-50%);
    color: var(--_muted);
    pointer-events: none;
  }
  input[type='search'] {
    width: 100%;
    box-sizing: border-box;
    padding: 9px 12px;
    padding-inline-start: 36px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }
  h3 {
    margin: 12px 0 6px;
    font-size: 13px;
    font-weight: 600;
    color: var(--_muted);
    text-transform: uppercase;
    letter-spacing: 0.02em;
  }
  .hits {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .hit {
    display: block;
    width: 100%;
    margin: 0;
    padding: 10px 12px;
    border: none;
    border-radius: 10px;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .hit:hover {
    background: var(--_surface-2);
  }
  .hit-title {
    display: block;
    font-weight: 600;
  }
  .hit-snippet {
    display: -webkit-box;
    margin-top: 2px;
    overflow: hidden;
    color: var(--_muted);
    font-size: 14px;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
  }
  mark {
    background: color-mix(in srgb, var(--_primary) 22%, transparent);
    color: inherit;
    border-radius: 2px;
  }
  .state:focus {
    outline: none;
  }
  .still {
    margin: 20px 0 8px;
    padding: 14px;
    border-radius: 12px;
    background: var(--_surface-2);
    text-align: center;
  }
  .still p {
    margin: 0 0 8px;
    font-weight: 600;
  }
  .article-title {
    margin: 8px 0 2px;
    font-size: 19px;
    color: var(--_text);
    text-transform: none;
    letter-spacing: 0;
  }
  .article-title:focus {
    outline: none;
  }
  .updated {
    margin: 0 0 12px;
    color: var(--_muted);
    font-size: 13px;
  }
  .doc {
    overflow-wrap: anywhere;
    line-height: 1.55;
  }
  .doc h4,
  .doc h5 {
    margin: 18px 0 6px;
    font-size: 16px;
  }
  .doc h5 {
    font-size: 15px;
  }
  .doc p,
  .doc ul,
  .doc ol,
  .doc blockquote,
  .doc pre {
    margin: 0 0 10px;
  }
  .doc ul,
  .doc ol {
    padding-inline-start: 22px;
  }
  .doc a,
  footer a {
    color: var(--_primary);
    text-underline-offset: 2px;
  }
  .doc blockquote {
    padding-inline-start: 12px;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
  }
  .doc code {
    padding: 1px 4px;
    border-radius: 4px;
    background: var(--_surface-2);
    font-size: 0.9em;
  }
  .doc pre {
    overflow-x: auto;
    padding: 10px 12px;
    border-radius: 8px;
    background: var(--_surface-2);
  }
  .doc pre code {
    padding: 0;
    background: none;
  }
  .doc img {
    max-width: 100%;
    height: auto;
    border-radius: 6px;
  }
  .doc hr {
    border: none;
    border-top: 1px solid var(--_border);
  }
  .table-wrap {
    overflow-x: auto;
    margin: 0 0 10px;
  }
  .doc table {
    border-collapse: collapse;
    font-size: 14px;
  }
  .doc th,
  .doc td {
    padding: 6px 8px;
    border: 1px solid var(--_border);
    text-align: start;
  }
  .doc .align-center {
    text-align: center;
  }
  .doc .align-right {
    text-align: end;
  }
  footer {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    justify-content: center;
    margin-top: 16px;
    font-size: 14px;
  }
`,
];
