import { countPlannedReminders } from '../db/repositories/dunning-reminder.repository.js';
import { findDunningRun } from '../db/repositories/dunning-run.repository.js';
import type { Feebot } from '../main.js';
import type { PlanResult } from './planner.js';
import { formatMoney } from '../money.js';

// `feebot dunning preview|run`: the logic behind the CLI's two commands (src/cli.ts only dispatches).

const USAGE = 'Usage: feebot dunning preview [--date YYYY-MM-DD] | feebot dunning run [--plan-only]';

export function formatPreview(date: string, r: PlanResult): string {
  const lines = [`Dunning preview for ${date}: ${r.planned} to remind, ${r.escalated} to hand to staff, ${Object.values(r.skips).reduce((a, b) => a + (b ?? 0), 0)} skipped.`];
  for (const d of r.decisions ?? []) {
    if (d.kind === 'remind') {
      const rm = d.reminder;
      const items = rm.items.map((i) => `${i.name} ${formatMoney(i.outstanding)} due ${i.dueDate} (step ${i.step >= 0 ? '+' : ''}${i.step}d)`).join('; ');
      lines.push(`  remind  ${rm.studentId} ${rm.name} via ${rm.targets.map((t) => t.channel).join(',')}${rm.finalNotice ? ' [final notice]' : ''}${rm.optedOut ? ' [opted out, final notice allowed]' : ''}: ${items}`);
    } else if (d.kind === 'escalate') {
      lines.push(`  escalate ${d.escalation.studentId} (${d.escalation.college}) after ${d.escalation.reminders} reminders, owes ${formatMoney(d.escalation.total)}`);
    } else if (d.reason !== 'notDue') {
      lines.push(`  skip    ${d.studentId}: ${d.reason}`);
    }
  }
  lines.push(`Skipped by reason: ${JSON.stringify(r.skips)}`);
  return lines.join('\n');
}

function progressBar(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% (${done}/${total})${pct === 100 ? '\n' : ''}`);
    } else if (pct % 25 === 0) {
      process.stderr.write(`${label} ${pct}% (${done}/${total})\n`);
    }
  };
}

export async function dunningCommand(args: string[], withFeebot: <T>(work: (feebot: Feebot) => Promise<T>) => Promise<T>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'preview') {
    const i = rest.indexOf('--date');
    const date = i >= 0 ? rest[i + 1] : undefined;
    if ((i >= 0 && (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))) || rest.length > (i >= 0 ? 2 : 0)) {
      console.error(USAGE);
      return 2;
    }
    return withFeebot(async (feebot) => {
      const day = date ?? feebot.dunning.service.today();
      console.log(formatPreview(day, await feebot.dunning.service.preview(day)));
      return 0;
    });
  }
  if (sub === 'run' && (rest.length === 0 || (rest.length === 1 && rest[0] === '--plan-only'))) {
    return withFeebot(async (feebot) => {
      const fired = await feebot.dunning.service.runNow(progressBar('planning'));
      if (!fired) return 1;
      const { run, result } = fired;
      console.log(`Run ${run.id} (${run.runDate}): ${result.planned} reminder(s) planned, ${result.escalated} escalated, skipped ${JSON.stringify(result.skips)}.`);
      if (rest[0] === '--plan-only' || result.planned === 0) return 0;
      // Send now (the running server's outbox would too); quiet hours pause it — Ctrl-C leaves the rest to the server.
      const bar = progressBar('sending ');
      feebot.outbox.start();
      for (;;) {
        const left = await countPlannedReminders(feebot.db, run.id);
        bar(result.planned - left, result.planned);
        if (left === 0) break;
        feebot.outbox.kick();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await feebot.outbox.drain();
      const done = await findDunningRun(feebot.db, run.id);
      if (done) console.log(JSON.stringify(await feebot.dunning.service.summarise(done)));
      return 0;
    });
  }
  console.error(USAGE);
  return 2;
}
