import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway `redis-server` for tests, benchmarks and trying things out: on 127.0.0.1, a free port
 * and its own folder, nothing shared with a Redis the machine may run. Not for production.
 * (A long-running server a test owns and kills on purpose, so it is spawned here directly rather
 * than through @st3/process's run-to-completion runner.)
 */
export interface RedisServer {
  url: string;
  port: number;
  /** Its working folder (the append-only file lives here when `persistence` is on). */
  dir: string;
  readonly pid: number | undefined;
  /** SIGTERM and wait for the exit (Redis flushes its append-only file). */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (after `stop` or `kill`). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export interface RedisServerOptions {
  /** Keep data across restarts in an append-only file (default true). */
  persistence?: boolean;
  /** The program (default `redis-server` on PATH). */
  bin?: string;
  port?: number;
  /** How long to wait for it to answer PING (default 10 s). */
  readyTimeoutMs?: number;
}

/** A port nobody listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something on 127.0.0.1:port answers PING with PONG. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString('utf8');
      if (answer.includes('\r\n')) {
        clearTimeout(timer);
        done(answer.startsWith('+PONG'));
      }
    });
    socket.on('error', () => {
      clearTimeout(timer);
      done(false);
    });
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = options.bin ?? 'redis-server';
  const dir = await mkdtemp(join(tmpdir(), 'st3-redis-'));
  const port = options.port ?? (await freePort());
  const persistence = options.persistence ?? true;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      persistence ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--logfile',
      join(dir, 'redis.log'),
      '--daemonize',
      'no',
    ];
    const proc = spawn(bin, args, { stdio: 'ignore' });
    child = proc;
    let spawnError: Error | undefined;
    exited = new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.once('error', (error) => {
        spawnError = error;
        resolve();
      });
    });
    const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (spawnError) {
        const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
        throw new Error(
          missing
            ? `${bin} is not installed (not on PATH): the tests need a real Redis — Debian: apt-get install redis-server`
            : `${bin} could not start: ${spawnError.message}`,
        );
      }
      if (proc.exitCode !== null)
        throw new Error(`${bin} exited with ${proc.exitCode} (log: ${join(dir, 'redis.log')})`);
      if (await pingRedis(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`${bin} did not answer on 127.0.0.1:${port} in time (log: ${join(dir, 'redis.log')})`);
  };

  const signal = async (sig: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start,
    async dispose() {
      await signal('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
