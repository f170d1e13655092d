import { UrlRefusedError } from './errors.ts';

/** Validates a feed URL given by a person: absolute, http or https, with a host. */
export function parseFeedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UrlRefusedError(`"${text}" is not a URL; a feed URL looks like https://example.com/feed.xml`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlRefusedError(`only http and https feeds are supported (got ${url.protocol.replace(':', '')}:)`);
  }
  if (!url.hostname) throw new UrlRefusedError(`"${text}" has no host`);
  if (url.username || url.password) throw new UrlRefusedError('feed URLs with a user name or password are not supported');
  url.hash = '';
  return url;
}
