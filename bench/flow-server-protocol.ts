// Messages between the web chat bench (flow.bench.ts, the simulated students) and the feebot it
// drives (flow-server.child.ts, a process of its own).

export interface FlowServerReady {
  type: 'ready';
  baseUrl: string;
}

/** Measured between `mark` and `stats`: the timed window only. */
export interface FlowServerStats {
  type: 'stats';
  /** User + system CPU time of the server process (libuv's threads, e.g. scrypt, included). */
  cpuMs: number;
  rssBytes: number;
  /** How late the server's event loop ran its timers: what a blocking call would show. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** The .cpuprofile of the window, when PROFILE_DIR is set. */
  profile?: string;
}

export type FlowServerRequest = { type: 'mark' } | { type: 'stats' } | { type: 'stop' };
