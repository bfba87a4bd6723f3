import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { freePort } from '../support/free-port.js';

// N real feebot processes (`node --import tsx src/cli.ts demo`, one process each so SIGKILL hits
// feebot itself) on one PostgreSQL database, each on its own port. Used by the fleet test and the
// fleet send-budget bench.

export interface FleetInstance {
  index: number;
  port: number;
  baseUrl: string;
  child: ChildProcess;
  log: string[];
  alive: boolean;
}

export interface Fleet {
  instances: FleetInstance[];
  /** A direct connection to the fleet's database, for assertions. */
  sql: pg.Pool;
  live(): FleetInstance[];
  kill(instance: FleetInstance): void;
  stop(): Promise<void>;
}

async function waitHealthy(instance: FleetInstance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!instance.alive) throw new Error(`instance ${instance.index} exited:\n${instance.log.slice(-20).join('')}`);
    try {
      const res = await fetch(`${instance.baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`instance ${instance.index} not healthy:\n${instance.log.slice(-20).join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startFleet(count: number, databaseUrl: string, env: Record<string, string>, timeoutMs = 180_000): Promise<Fleet> {
  const instances: FleetInstance[] = [];
  for (let index = 0; index < count; index++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_BASE_URL: baseUrl,
        DEMO_DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '5',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance: FleetInstance = { index, port, baseUrl, child, log: [], alive: true };
    child.stdout!.on('data', (chunk: Buffer) => instance.log.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => instance.log.push(chunk.toString('utf8')));
    child.on('exit', () => (instance.alive = false));
    instances.push(instance);
  }
  // Started together: they migrate and seed the same database at the same moment.
  await Promise.all(instances.map((i) => waitHealthy(i, timeoutMs)));
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  return {
    instances,
    sql,
    live: () => instances.filter((i) => i.alive),
    kill(instance) {
      instance.child.kill('SIGKILL');
      instance.alive = false;
    },
    async stop() {
      await Promise.all(
        instances
          .filter((i) => i.alive)
          .map((i) => new Promise<void>((resolve) => {
            i.child.once('exit', () => resolve());
            i.child.kill('SIGTERM');
            setTimeout(() => i.child.kill('SIGKILL'), 10_000).unref();
          })),
      );
      await sql.end();
    },
  };
}

/** The process id inside a lease holder name (`host:pid:tag`). */
export function holderPid(holder: string): number {
  return Number(holder.split(':').at(-2));
}

/** Largest number of times that fall in any 1000 ms window. */
export function maxPerSecond(times: number[], stalls: readonly Stall[] = []): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    // A window the measuring process slept through is not judged: requests that arrived during the
    // stall were all stamped when it woke, whatever their real spacing.
    const start = sorted[i]! - 1000;
    if (stalls.some((st) => st.end > start && st.start <= sorted[i]!)) continue;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export interface Stall {
  start: number;
  end: number;
}

/**
 * Watches this process's event loop (where the fake Bot API stamps arrivals): a tick later than
 * `thresholdMs` means the process was not reading requests for that long.
 */
export function watchStalls(thresholdMs = 100, tickMs = 10): { stalls: Stall[]; stop: () => void } {
  const stalls: Stall[] = [];
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last > tickMs + thresholdMs) stalls.push({ start: last, end: now });
    last = now;
  }, tickMs);
  return { stalls, stop: () => clearInterval(timer) };
}
