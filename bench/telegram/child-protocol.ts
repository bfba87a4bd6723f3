// The parent (telegram.bench.ts) runs each bot in a child process of its own, so CPU time and RSS
// are the bot's alone. The child says where its webhook is; the parent asks for its figures.

export interface ChildReady {
  type: 'ready';
  webhookUrl: string;
  secret: string;
}

export interface ChildStats {
  type: 'stats';
  cpuMs: number;
  rssBytes: number;
}

export type ParentRequest = { type: 'stats' } | { type: 'stop' };

/** Wires a bot process to the parent: ready once, stats on request, stop closes it and exits. */
export function serveParent(ready: ChildReady, stop: () => Promise<void>): void {
  process.send!(ready);
  process.on('message', (message: ParentRequest) => {
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      process.send!({ type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage().rss } satisfies ChildStats);
    } else if (message.type === 'stop') {
      void stop().finally(() => process.exit(0));
    }
  });
}
