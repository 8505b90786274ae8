import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlockList } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { internalAddresses, safeFetch, UrlRefused } from '../../src/engine/safe-fetch.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server on `host`; `/file` serves bytes, `/to?u=` redirects. */
async function serve(host: string, body = Buffer.alloc(1000, 9)): Promise<string> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/to') {
      response.writeHead(302, { location: url.searchParams.get('u') ?? '/' });
      response.end();
      return;
    }
    if (url.pathname === '/chunked') {
      response.writeHead(200);
      for (let index = 0; index < 10; index += 1) response.write(body);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-length': body.length });
    response.end(body);
  });
  servers.push(server);
  server.listen(0, host);
  await once(server, 'listening');
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/** Every internal range except 127.0.0.2, which plays a public host in these tests. */
function allButTestHost(): BlockList {
  const list = internalAddresses();
  const open = new BlockList();
  open.addAddress('127.0.0.2');
  return {
    check: (address: string, family?: 'ipv4' | 'ipv6') => !open.check(address) && list.check(address, family),
  } as BlockList;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('fetching URLs people send', () => {
  it('refuses loopback addresses, by number and by name', async () => {
    const local = await serve('127.0.0.1');
    const port = new URL(local).port;
    for (const url of [
      `${local}/file`,
      `http://localhost:${port}/file`,
      `http://[::ffff:127.0.0.1]:${port}/file`,
      `http://0.0.0.0:${port}/file`,
    ]) {
      expect(await refusal(safeFetch(url, { maxBytes: 10_000 }))).toBeInstanceOf(UrlRefused);
    }
  });

  it('refuses private and link-local literals and other schemes', async () => {
    for (const url of [
      'http://10.0.0.1/a.jpg',
      'http://192.168.1.1/a.jpg',
      'http://172.16.5.4/a.jpg',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/a.jpg',
      'http://[fd00::1]/a.jpg',
      'file:///etc/passwd',
      'ftp://example.com/a.jpg',
      'http://user:secret@example.com/a.jpg',
      'not a url',
    ]) {
      const error = await refusal(safeFetch(url, { maxBytes: 10_000 }));
      expect(error, url).toBeInstanceOf(UrlRefused);
    }
  });

  it('fetches from an allowed host', async () => {
    const allowed = await serve('127.0.0.2');
    const { body } = await safeFetch(`${allowed}/file`, { maxBytes: 10_000, forbidden: allButTestHost() });
    expect(Buffer.concat(await Array.fromAsync(body)).length).toBe(1000);
  });

  it('checks every redirect, by number and by name', async () => {
    const allowed = await serve('127.0.0.2');
    const internal = await serve('127.0.0.1');
    const port = new URL(internal).port;
    for (const target of [`${internal}/file`, `http://localhost:${port}/file`]) {
      const url = `${allowed}/to?u=${encodeURIComponent(target)}`;
      expect(await refusal(safeFetch(url, { maxBytes: 10_000, forbidden: allButTestHost() }))).toBeInstanceOf(
        UrlRefused,
      );
    }
    const fine = `${allowed}/to?u=${encodeURIComponent(`${allowed}/file`)}`;
    await expect(safeFetch(fine, { maxBytes: 10_000, forbidden: allButTestHost() })).resolves.toBeTruthy();
  });

  it('refuses a body announced larger than the limit', async () => {
    const allowed = await serve('127.0.0.2');
    const error = await refusal(safeFetch(`${allowed}/file`, { maxBytes: 999, forbidden: allButTestHost() }));
    expect(error).toBeInstanceOf(UrlRefused);
    expect((error as Error).message).toContain('larger than');
  });
});
