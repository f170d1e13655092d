import { readFileSync } from 'node:fs';

export interface DefaultFeed {
  name: string;
  url: string;
  lang: 'en' | 'zh';
}

const FILE = new URL('../../data/default-feeds.json', import.meta.url);

/** The curated AI sources shipped with ainews (data/default-feeds.json). */
export function defaultFeeds(): DefaultFeed[] {
  return JSON.parse(readFileSync(FILE, 'utf8')) as DefaultFeed[];
}
