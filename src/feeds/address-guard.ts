import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { UrlRefusedError } from './errors.ts';

/**
 * Why an address is refused (loopback, private, linkLocal — which holds the metadata address 169.254.169.254 —
 * uniqueLocal, …), or null when it is a public address. IPv4-mapped IPv6 is judged as IPv4.
 */
export function blockedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  // An allow-list: only global unicast passes, so ranges ipaddr.js adds later are refused by default.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

export function assertPublicAddress(address: string, host: string): void {
  const range = blockedRange(address);
  if (range) {
    throw new UrlRefusedError(
      `${host} resolves to ${address} (${range} address); fetching private, loopback and metadata addresses is refused. ` +
        'Set AINEWS_ALLOW_PRIVATE_NETWORK=true to allow intranet feeds.',
    );
  }
}

/** A DNS lookup for http.request that refuses hosts resolving to any non-public address. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    try {
      for (const { address } of addresses) assertPublicAddress(address, hostname);
    } catch (refused) {
      return callback(refused as NodeJS.ErrnoException, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

/** For a URL whose host is an IP literal (no DNS lookup happens), checks the literal itself. */
export function assertPublicLiteral(hostname: string): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) assertPublicAddress(bare, hostname);
}
