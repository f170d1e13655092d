/** One news item as a feed delivers it. */
export interface EvalItem {
  title: string;
  /** The article's first sentence or two, as the feed's description gives it ('' when the feed has none, like Hacker News). */
  lead: string;
  source: string;
  lang: 'zh' | 'en';
  /** ISO 8601 */
  publishedAt: string;
}

export interface EvalPair {
  a: EvalItem;
  b: EvalItem;
  /** true when both report the same news event */
  same: boolean;
  kind: 'zh-zh' | 'en-en' | 'zh-en';
  /** what the pair tests, e.g. 'hard negative: GPT-5 vs GPT-5 mini' */
  note: string;
}
