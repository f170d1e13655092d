/** One entry as the feed wrote it, before any cleaning. */
export interface RawEntry {
  guid: string | null;
  link: string | null;
  title: string | null;
  /**
   * `html` when the title may hold markup and entities (RSS's, Atom's type="html", JSON Feed's as feeds
   * write them); `text` when every character is the title's own (Atom's text and XHTML titles).
   */
  titleType: 'text' | 'html';
  /** The richest body the feed offers (content:encoded, content, then description/summary), usually HTML. */
  html: string | null;
  author: string | null;
  /** The publication date exactly as written; parsing is left to normalisation. */
  date: string | null;
  language: string | null;
}

/** What each parser (rss-parser for RSS and Atom, json-feed.ts for JSON Feed) hands to normalisation. */
export interface ParsedFeed {
  /** The document broke off (a download cut short): the items after the cut are missing from it. */
  truncated?: boolean;
  title: string | null;
  language: string | null;
  /**
   * The WebSub hub the feed names, and the URL it calls its own (rel="self"), the topic to subscribe
   * to: absolute http(s) URLs, or null when it names none. A `Link` header on the response takes
   * precedence over these (WebSub §4), so the subscriber weighs them with `FetchedFeed.links`.
   * Optional so that feeds built by hand need not say.
   */
  hub?: string | null;
  self?: string | null;
  entries: RawEntry[];
}
