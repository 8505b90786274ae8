/**
 * A throwaway Debian `redis-server` for the scale-out tests: loopback only, a free port, no
 * persistence, its own temporary directory, stopped (and the directory removed) afterwards.
 *
 * When redis-server is not installed, `redisServerPath` is undefined and the tests that need it
 * skip with a message saying so (scripts/bootstrap.sh installs it with apt-get when run as root).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

export const redisServerPath: string | undefined = findExecutable('redis-server');

export const redisMissingMessage =
  'redis-server is not installed: the Redis scale-out tests are SKIPPED. ' +
  'Install it with `apt-get install redis-server` (scripts/bootstrap.sh does so when run as root).';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port>/<db>: one database per test keeps tests apart. */
  url(db?: number): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** True once the server answers PING. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => {});
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  if (!redisServerPath) throw new Error(redisMissingMessage);
  const dir = mkdtempSync(join(tmpdir(), 'nemo-redis-'));
  // The free port is only free until someone takes it: try again with another if the server dies.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      redisServerPath,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--databases',
        '32',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    let exited = false;
    const exit = once(child, 'exit').then(() => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await pings(port))) await sleep(20);
    if (!exited && Date.now() < deadline) {
      return {
        port,
        url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
        async stop() {
          if (!exited) {
            child.kill('SIGTERM');
            await exit;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    await exit;
    if (attempt >= 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start: ${output.slice(-2000)}`);
    }
  }
}
