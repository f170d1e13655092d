import http from 'node:http';
import https from 'node:https';
import { defaultAddressGuard, guardConnection, isIpLiteral, type AddressGuard } from '../feeds/address-guard.ts';

export interface HubRequestSettings {
  timeoutMs: number;
  userAgent: string;
  allowPrivateNetwork: boolean;
  guard?: AddressGuard;
}

export interface HubAnswer {
  status: number;
  /** The start of what the hub said, for the error a refusal is recorded with. */
  text: string;
}

/** What of a hub's answer is kept. */
const ANSWER_BYTES = 1024;

/**
 * POSTs a WebSub subscription request (form-encoded fields) to a hub. A hub's address comes from a
 * feed, so it passes the same private-network guard as a feed's: checked as written, at DNS, and on
 * the socket connected. Redirects are not followed (the recommendation has the hub answer 202).
 */
export function postToHub(hub: string, fields: Record<string, string>, settings: HubRequestSettings): Promise<HubAnswer> {
  const target = new URL(hub);
  const guard = settings.allowPrivateNetwork ? null : (settings.guard ?? defaultAddressGuard);
  if (guard && isIpLiteral(target.hostname)) guard.check(target.hostname, target.hostname);
  const body = new URLSearchParams(fields).toString();
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'user-agent': settings.userAgent },
      signal: AbortSignal.timeout(settings.timeoutMs),
      agent: false,
      lookup: guard?.lookup,
    });
    // A second check on the address actually connected to, whatever resolved it.
    if (guard) guardConnection(req, guard, target.hostname);
    req.once('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.once('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_BYTES).trim() }));
      response.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}
