import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { ClientRequest } from 'node:http';
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

/** Keeps feed requests away from the network ainews runs in: checks literals, DNS answers and connected sockets. */
export interface AddressGuard {
  /** Throws UrlRefusedError when `address` may not be reached. */
  check(address: string, host: string): void;
  /** A DNS lookup for http.request that refuses hosts resolving to a refused address. */
  lookup: LookupFunction;
}

export function addressGuard(options: { blocked?: (address: string) => string | null; resolve?: typeof dnsLookup } = {}): AddressGuard {
  const blocked = options.blocked ?? blockedRange;
  const resolve = options.resolve ?? dnsLookup;
  const check = (address: string, host: string) => {
    const bare = address.replace(/^\[|\]$/g, '');
    const range = blocked(bare);
    if (range) {
      throw new UrlRefusedError(
        `${host} resolves to ${bare} (${range} address); fetching private, loopback and metadata addresses is refused. ` +
          'Set AINEWS_ALLOW_PRIVATE_NETWORK=true to allow intranet feeds.',
      );
    }
  };
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      try {
        for (const { address } of addresses) check(address, hostname);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
  return { check, lookup };
}

export const defaultAddressGuard = addressGuard();

/** True when the host is an IP literal: no DNS lookup happens for it, so it is checked as written. */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}

/** Checks the address a request's socket actually connected to, whatever resolved it, and ends the request when it is refused. */
export function guardConnection(req: ClientRequest, guard: AddressGuard, host: string): void {
  req.on('socket', (socket) =>
    socket.once('connect', () => {
      try {
        guard.check(socket.remoteAddress ?? '', host);
      } catch (refused) {
        req.destroy(refused as Error);
      }
    }),
  );
}
