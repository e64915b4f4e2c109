/** The help center's wire types: search results and articles, as the widget receives them. */
import type { MdDoc } from '../markdown/tree.js';

/** A piece of text, marked when it matched the query (rendered as `<mark>`, never as HTML). */
export interface HighlightPart {
  text: string;
  hit: boolean;
}

export interface HelpSearchQuery {
  locale: string;
  q: string;
}

export interface ArticleHit {
  slug: string;
  locale: string;
  title: string;
  category: string | null;
  description: string | null;
  updated_at: string;
  snippet: HighlightPart[];
  title_parts?: HighlightPart[];
}

export interface HelpSearchResponse {
  /** The locale actually searched (English when the asked one has no articles). */
  locale: string;
  articles: ArticleHit[];
}

export interface Article {
  locale: string;
  slug: string;
  title: string;
  category: string | null;
  description: string | null;
  updated_at: string;
  doc: MdDoc;
  /** Absolute URL of this article on the public help site. */
  url: string;
}
