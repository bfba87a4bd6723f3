import { describe, expect, it } from 'vitest';
import { createAudit, formatAuditTrail } from '../../src/accounts/audit.service.js';
import type { AuditRow } from '../../src/db/repositories/audit.repository.js';
import { freshDb, manualClock, MIN, T0 } from './fixture.js';

describe('audit trail', () => {
  it('records events with channel, chat and time and prints them newest first in the local time zone', async () => {
    const db = await freshDb();
    const clock = manualClock();
    const audit = createAudit({ db, clock: clock.now });
    await audit.record({ studentId: '2023010101', event: 'login.failed', channel: 'telegram', chatId: '777' });
    clock.advance(MIN);
    await audit.record({ studentId: '2023010101', event: 'login.challenge', channel: 'telegram', chatId: '777' });
    clock.advance(MIN);
    await audit.record({ studentId: '2023010101', event: 'login.ok', channel: 'telegram', chatId: '777' });
    await audit.record({ studentId: '2023010199', event: 'login.locked', channel: 'web', chatId: 'x' });

    const trail = await audit.trail('2023010101');
    const lines = trail.trimEnd().split('\n');
    expect(lines[0]).toContain('Audit trail for 2023010101: 3 most recent events');
    expect(lines[0]).toContain('Asia/Shanghai');
    // T0 is 08:00 UTC = 16:00 in Shanghai.
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['2025-09-01 16:02:00', 'login.ok', 'telegram', '777'],
      ['2025-09-01 16:01:00', 'login.challenge', 'telegram', '777'],
      ['2025-09-01 16:00:00', 'login.failed', 'telegram', '777'],
    ]);
    expect(trail).not.toContain('login.locked');
    expect(await audit.trail('2023010101', 1)).toContain('1 most recent event,');
    expect(await audit.trail('nobody')).toBe('Audit trail for nobody: no events.\n');
  });

  it('keeps one line per event even when a field holds a newline', () => {
    const row: AuditRow = { id: 1, student_id: 's1', event: 'logout', channel: 'web', chat_id: 'a\nFAKE login.ok', detail: 'x\r\ny', at: T0 };
    const text = formatAuditTrail([row], 'UTC');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    expect(text).toContain('2025-09-01 08:00:00');
  });
});
