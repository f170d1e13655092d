/** Query parameters that only track a click and never change the page. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid', 'mc_eid',
  '_hsenc', '_hsmi', 'mkt_tok', 'ref_src', 'ref_url', 'spm', 'ncid', 'cmpid', 'ocid', 'soc_src', 'soc_trk',
  'wt.mc_id', 'sr_share', 'share_token', 'si', 'vero_id', 'oly_anon_id', 'oly_enc_id', 'rb_clickid', 's_cid',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hmsr', 'hmpl', 'hmcu', 'hmkw', 'hmci'];

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The link to store and show: resolved against the feed URL, http(s) only, with tracking parameters and
 * the fragment dropped (the URL class already lowercases the host and drops default ports).
 */
export function canonicalUrl(link: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(link.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // Each setter re-serialises the whole URL: only what is there is cleared.
  if (url.hash) url.hash = '';
  if (url.username) url.username = '';
  if (url.password) url.password = '';
  // The query is filtered as text: rebuilding it through URLSearchParams would re-encode what stays.
  const query = url.search;
  if (query) {
    const pairs = query.slice(1).split('&');
    const kept = pairs.filter((pair) => !isTracking(decodeName(pair.split('=')[0]!)));
    if (kept.length < pairs.length) url.search = kept.length ? `?${kept.join('&')}` : '';
  }
  return url.href;
}

function decodeName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The key that makes two links one article: the canonical URL without scheme and a leading "www.",
 * with sorted query parameters. arXiv version suffixes (`/abs/2509.13332v2`) name the same paper.
 */
export function dedupeKey(canonical: string): string {
  // `canonical` came out of canonicalUrl, so it is already in the URL class's normal form.
  const match = /^https?:\/\/(?:www\.)?([^/?]+)([^?]*)(?:\?(.*))?$/.exec(canonical);
  if (!match) return canonical;
  const [, host, rawPath, query] = match;
  let path = rawPath!;
  if (/(^|\.)arxiv\.org$/.test(host!)) path = path.replace(/^\/(abs|pdf|html)\/(\d{4}\.\d{4,5})(v\d+)?(\.pdf)?$/, '/abs/$2');
  if (!query) return `${host}${path}`;
  const params = new URLSearchParams(query);
  params.sort();
  return `${host}${path}?${params}`;
}

/** arXiv guids (`oai:arXiv.org:2509.13332v1`) carry the paper version; a new version is the same paper. */
export function stableGuid(guid: string): string {
  return guid.trim().replace(/^(oai:arXiv\.org:\d{4}\.\d{4,5})v\d+$/i, '$1');
}
