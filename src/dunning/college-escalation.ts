import type { Db } from '../db/database.js';
import { listRunEscalations } from '../db/repositories/dunning-escalation.repository.js';
import type { OutboxEntry } from '../db/repositories/outbox.repository.js';
import type { Mailer } from '../mail/mailer.port.js';
import { escapeHtml } from '../mail/mail-templates.js';
import { formatMoney } from '../money.js';

// Outbox kind `dunning-college`: a college's contact (escalation.collegeContacts) gets the list of its
// students a run handed to the finance office — one mail per college and run.

export function createCollegeEscalationMailer(deps: { db: Db; mailer?: Mailer }) {
  return async (entry: OutboxEntry): Promise<void> => {
    const { runId, college, to } = entry.payload as { runId: number; college: string; to: string };
    if (!deps.mailer) return;
    const students = (await listRunEscalations(deps.db, runId)).filter((e) => e.college === college);
    if (students.length === 0) return;
    const rows = students.map((s) => `${s.studentId}  欠费 ${formatMoney(s.total)}  已提醒 ${s.reminders} 次`);
    const subject = `催缴转交名单（${college}，${students.length} 人）`;
    await deps.mailer.send({
      to,
      subject,
      text: [`${college}：以下学生经 ${students[0]!.reminders} 次以上提醒仍未缴费，已转交财务处跟进，请协助联系。`, '', ...rows].join('\n'),
      html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body><p>${escapeHtml(college)}：以下学生经多次提醒仍未缴费，已转交财务处跟进，请协助联系。</p><ul>${rows.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></body></html>`,
      messageId: `<dunning-college-${runId}-${Buffer.from(college).toString('hex').slice(0, 40)}@feebot>`,
    });
  };
}
