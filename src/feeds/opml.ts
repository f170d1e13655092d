import { Parser } from 'htmlparser2';
import { escapeXml } from '../format.ts';
import { FeedParseError } from './errors.ts';

export interface OpmlFeed {
  url: string;
  name: string | null;
}

/** The feeds (outlines with an xmlUrl, at any depth) of an OPML subscription list. */
export function parseOpml(text: string): OpmlFeed[] {
  const feeds: OpmlFeed[] = [];
  let sawOpml = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'opml') sawOpml = true;
        if (name === 'outline' && attrs.xmlurl) feeds.push({ url: attrs.xmlurl.trim(), name: attrs.title?.trim() || attrs.text?.trim() || null });
      },
    },
    { xmlMode: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  if (!sawOpml) throw new FeedParseError('not an OPML file: no <opml> element');
  return feeds;
}

export function toOpml(feeds: OpmlFeed[], title = 'ainews feeds'): string {
  const outlines = feeds.map((feed) => {
    const name = escapeXml(feed.name ?? feed.url);
    return `    <outline type="rss" text="${name}" title="${name}" xmlUrl="${escapeXml(feed.url)}"/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>${escapeXml(title)}</title><dateCreated>${new Date().toUTCString()}</dateCreated></head>`,
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
