import type { App } from '@slack/bolt';
import { decideDeferral, findDeferral, type DeferralRecord } from '../../src/db/repositories/deferral.repository.js';
import { findStaffStudent } from '../../src/db/repositories/staff-view.repository.js';
import { createTranslator } from '../../src/engine/i18n/index.js';
import type { ChannelName } from '../../src/ports/channel.port.js';
import type { CardActionDeps } from './slack-actions.js';
import { deferralRejectModal } from './slack-modals.js';
import { ACTIONS, INPUT, MODALS } from './slack-render.js';
import { canAct, canSeeCollege, type StaffMember } from './slack-staff.js';
import { chatLang } from './slack-student-texts.js';
import { localDate } from './slack-time.js';
import { SLACK_TEXTS as T } from './slack-texts.js';

// 缓缴 approval cards: 批准 at once, 驳回 with a reason (modal); the student is told in the chat
// they asked from, in the engine's words and the language the student last used there.

/** Registers 批准 / 驳回 and the reject modal. */
export function registerDeferralActions(app: App, deps: CardActionDeps): void {
  const { db, staff, gate, ephemeral, clock, ledger } = deps;

  async function pending(member: StaffMember, id: number | null, say: (t: string) => Promise<unknown>): Promise<DeferralRecord | null> {
    const deferral = id === null ? null : await findDeferral(db, id);
    if (!deferral || deferral.status !== 'pending') {
      await say(T.deferralGone);
      return null;
    }
    const student = await findStaffStudent(db, deferral.studentId);
    if (!canSeeCollege(member, student?.college ?? null)) {
      await say(T.otherCollege(member.college ?? ''));
      return null;
    }
    return deferral;
  }

  /** The engine's words for the outcome, in the language of the chat the student asked from. */
  const studentT = async (deferral: DeferralRecord) => createTranslator(await chatLang(db, deferral.channel, deferral.chatId));

  async function itemLabels(deferral: DeferralRecord): Promise<string> {
    const facts = await ledger.loadFacts(deferral.studentId, clock());
    return deferral.itemIds.map((id) => facts.items.find((i) => i.id === id)).map((i) => (i ? `${i.feePeriod} ${i.name}` : '')).filter(Boolean).join('、');
  }

  const idOf = (value: string | undefined) => (value && /^\d{1,12}$/.test(value) ? Number(value) : null);

  app.action(ACTIONS.deferralApprove, async ({ ack, body, action, respond }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button') return;
    const deferral = await pending(member, idOf(action.value), say);
    if (!deferral) return;
    // A request left waiting past its date would defer nothing: say so rather than approve it.
    if (deferral.until < localDate(clock(), deps.timezone)) return void (await say(T.deferralPast(deferral.until)));
    if (!(await decideDeferral(db, deferral.id, { status: 'approved', by: member.name, note: null, now: clock() }))) return;
    await staff.audit(member, body.user.id, 'deferral.approve', { studentId: deferral.studentId, subject: `deferral:${deferral.id}`, detail: deferral.until });
    const t = await studentT(deferral);
    const text = t('deferral.approved', { deferralId: deferral.id, items: await itemLabels(deferral), until: deferral.until });
    await deps.deliverMessage(deferral.channel as ChannelName, deferral.chatId, text);
    deps.onEnqueued();
  });

  app.action(ACTIONS.deferralReject, async ({ ack, body, action, respond, client }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button' || !('trigger_id' in body)) return;
    const deferral = await pending(member, idOf(action.value), say);
    if (deferral) await client.views.open({ trigger_id: body.trigger_id, view: deferralRejectModal(deferral.id) });
  });

  app.view(MODALS.deferralReject, async ({ ack, body, view }) => {
    const values = view.state.values as Record<string, Record<string, { value?: string | null }>>;
    const reason = (values[INPUT.block]?.[INPUT.action]?.value ?? '').trim();
    if (!reason) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: T.reasonRequired } }));
    const member = await staff.resolve(body.user.id);
    const deferral = member ? await findDeferral(db, Number(view.private_metadata)) : null;
    const student = deferral ? await findStaffStudent(db, deferral.studentId) : null;
    const refusal = !member ? T.notStaff : !canAct(member) ? T.viewerCannotAct : !deferral || deferral.status !== 'pending' ? T.deferralGone : !canSeeCollege(member, student?.college ?? null) ? T.otherCollege(member.college ?? '') : null;
    if (refusal || !member || !deferral) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: refusal ?? T.deferralGone } }));
    await ack();
    if (!(await decideDeferral(db, deferral.id, { status: 'rejected', by: member.name, note: reason, now: clock() }))) return;
    await staff.audit(member, body.user.id, 'deferral.reject', { studentId: deferral.studentId, subject: `deferral:${deferral.id}`, detail: reason });
    await deps.deliverMessage(deferral.channel as ChannelName, deferral.chatId, (await studentT(deferral))('deferral.rejected', { deferralId: deferral.id, reason }));
    deps.onEnqueued();
  });
}
