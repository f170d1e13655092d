import type { ResponseSnippet } from './errors.ts';

/**
 * A bot wall: a service in front of a site that answers programs with a challenge (a JavaScript check, a
 * CAPTCHA) they cannot pass. Each is recognised by what it always sends, never by the status alone: a
 * site behind Cloudflare that refuses for its own reasons is not a challenge.
 */
interface BotWall {
  name: string;
  /** A header that names the wall (cookie names are in `set-cookie`). */
  headers?: (headers: Record<string, string>) => boolean;
  /** Markers in the start of the page it answers with. */
  body?: RegExp;
}

const BOT_WALLS: BotWall[] = [
  {
    name: 'Cloudflare',
    headers: (h) => /^challenge$/i.test(h['cf-mitigated'] ?? ''),
    body: /<title>\s*Just a moment\.\.\.|Attention Required! \| Cloudflare|\/cdn-cgi\/challenge-platform\/|challenge-platform|_cf_chl_opt|cf-browser-verification|Checking your browser before accessing/i,
  },
  {
    name: 'DataDome',
    headers: (h) => 'x-datadome' in h || 'x-dd-b' in h || /(^|, )datadome(,|$)/i.test(h['set-cookie'] ?? ''),
    body: /captcha-delivery\.com|geo\.captcha-delivery|datadome/i,
  },
  {
    name: 'PerimeterX',
    headers: (h) => 'x-px-blocked' in h,
    body: /px-captcha|_pxAppId|window\._pxVid|perimeterx|captcha\.px-cdn\.net/i,
  },
  {
    name: 'Akamai',
    // Its edge answers refusals itself, as `AkamaiGHost`; a site behind it answers with its own server name.
    headers: (h) => /AkamaiGHost/i.test(h.server ?? ''),
    body: /sec-if-cpt-container|\/_sec\/cp_challenge\/|akamai-bot-manager|errors(?:\.|&#46;)edgesuite(?:\.|&#46;)net/i,
  },
  {
    name: 'Imperva Incapsula',
    headers: (h) => 'x-iinfo' in h && /(^|, )(incap_ses|visid_incap)/i.test(h['set-cookie'] ?? ''),
    body: /Incapsula incident ID|_Incapsula_Resource/i,
  },
  {
    name: 'Sucuri',
    headers: (h) => 'x-sucuri-id' in h && /Sucuri/i.test(h.server ?? ''),
    body: /Sucuri WebSite Firewall|sucuri_cloudproxy_js/i,
  },
];

/** The bot wall a response comes from (`Cloudflare`, `DataDome`, …), or null when none is recognised. */
export function botWallOf(snippet: Partial<ResponseSnippet>): string | null {
  const headers = snippet.headers ?? {};
  const body = snippet.body ?? '';
  for (const wall of BOT_WALLS) {
    if (wall.headers?.(headers) || (body && wall.body?.test(body))) return wall.name;
  }
  return null;
}
