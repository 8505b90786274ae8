/**
 * Fetching a URL someone sent, without letting them reach the machine's own network: only http(s),
 * never a loopback, link-local, private or otherwise internal address — checked on the address
 * the connection really uses (after DNS, so a name cannot point inside) and on every redirect —
 * and never more bytes than the limit.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/** Address ranges no URL upload may reach. */
export function internalAddresses(): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
    ['::ffff:0:0', 96], // IPv4-mapped: checked again as IPv4 below
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
}

export class UrlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefused';
  }
}

export interface SafeFetchOptions {
  maxBytes: number;
  /** Which addresses are off limits; tests narrow it to let one loopback address act as "public". */
  forbidden?: BlockList;
  maxRedirects?: number;
  signal?: AbortSignal;
}

function isForbidden(address: string, forbidden: BlockList): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return forbidden.check(mapped, 'ipv4');
  return forbidden.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A DNS lookup that fails for internal addresses, so the connection itself can never reach one. */
function guardedLookup(forbidden: BlockList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => !isForbidden(entry.address, forbidden));
      if (allowed.length === 0 || allowed.length < addresses.length) {
        return callback(new UrlRefused(`${hostname} resolves to an internal address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

function checkUrl(raw: string, forbidden: BlockList): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UrlRefused(`${url.protocol} URLs are not allowed`);
  if (url.username || url.password) throw new UrlRefused('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An address in the URL skips DNS, so it is checked here.
  if (isIP(host) !== 0 && isForbidden(host, forbidden))
    throw new UrlRefused(`${host} is an internal address`);
  return url;
}

/** Streams the body of `raw` (following up to `maxRedirects` redirects), refusing internal targets. */
export async function safeFetch(
  raw: string,
  options: SafeFetchOptions,
): Promise<{ body: Readable; url: URL }> {
  const forbidden = options.forbidden ?? internalAddresses();
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(forbidden) } });
  let url = checkUrl(raw, forbidden);
  try {
    for (let redirects = 0; ; redirects += 1) {
      const response = await request(url, { method: 'GET', dispatcher, signal: options.signal });
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await response.body.dump();
        if (redirects >= (options.maxRedirects ?? 5)) throw new UrlRefused('too many redirects');
        url = checkUrl(new URL(location, url).toString(), forbidden);
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new UrlRefused(`the URL answered HTTP ${response.statusCode}`);
      }
      const length = Number(response.headers['content-length']);
      if (Number.isFinite(length) && length > options.maxBytes) {
        response.body.on('error', () => {}).destroy();
        throw new UrlRefused(`the file is larger than ${options.maxBytes} bytes`);
      }
      response.body.once('close', () => void dispatcher.close());
      return { body: response.body, url };
    }
  } catch (error) {
    await dispatcher.close();
    if (error instanceof UrlRefused) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof UrlRefused) throw cause;
    throw new UrlRefused(
      `the URL could not be fetched (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}
