import type { App, RespondFn } from '@slack/bolt';
import { inTransaction } from '../../src/db/database.js';
import { enqueueStaffEvent } from '../../src/db/repositories/outbox.repository.js';
import { changeTicket, findProblemReport } from '../../src/db/repositories/problem-report.repository.js';
import { findCredit, findStaffStudent, listArrears } from '../../src/db/repositories/staff-view.repository.js';
import { formatMoney } from '../../src/money.js';
import type { ChannelName } from '../../src/ports/channel.port.js';
import type { Gate, SlackInboundDeps } from './slack-inbound.js';
import { offsetModal, refundModal, ticketReplyModal, ticketResolveModal } from './slack-modals.js';
import { ACTIONS, INPUT, MODALS } from './slack-render.js';
import { canSeeCollege, type StaffMember } from './slack-staff.js';
import { chatLang, studentTexts } from './slack-student-texts.js';
import { SLACK_TEXTS as T } from './slack-texts.js';

export interface CardActionDeps extends SlackInboundDeps {
  gate: Gate;
  ephemeral: (respond: RespondFn) => (text: string) => Promise<unknown>;
}

type ViewState = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;
const inputValue = (state: ViewState, block: string = INPUT.block, action: string = INPUT.action) => {
  const field = state[block]?.[action];
  return (field?.value ?? field?.selected_option?.value ?? '').trim();
};
const idOf = (value: string | undefined) => (value && /^\d{1,12}$/.test(value) ? Number(value) : null);

/** Problem tickets (认领 / 回复学生 / 已解决) and flagged money (退款 / 抵扣): buttons and their modals. */
export function registerCardActions(app: App, deps: CardActionDeps): void {
  const { db, staff, gate, ephemeral, clock, logger } = deps;

  /** The ticket, if it is still open and the member may handle its student. */
  async function openTicket(member: StaffMember, id: number | null, say: (t: string) => Promise<unknown>) {
    const report = id === null ? null : await findProblemReport(db, id);
    if (!report || report.status === 'resolved') {
      await say(T.ticketGone);
      return null;
    }
    const student = await findStaffStudent(db, report.student_id);
    if (!canSeeCollege(member, student?.college ?? null)) {
      await say(T.otherCollege(member.college ?? ''));
      return null;
    }
    return report;
  }

  async function heldCredit(member: StaffMember, id: number | null, say: (t: string) => Promise<unknown>) {
    const credit = id === null ? null : await findCredit(db, id);
    if (!credit || !credit.flagged) {
      await say(T.creditGone);
      return null;
    }
    const student = await findStaffStudent(db, credit.studentId);
    if (!canSeeCollege(member, student?.college ?? null)) {
      await say(T.otherCollege(member.college ?? ''));
      return null;
    }
    return credit;
  }

  app.action(ACTIONS.ticketClaim, async ({ ack, body, action, respond }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button') return;
    const report = await openTicket(member, idOf(action.value), say);
    if (!report) return;
    if (await changeTicket(db, report.id, { kind: 'claim', by: member.name }, clock())) {
      await staff.audit(member, body.user.id, 'ticket.claim', { studentId: report.student_id, subject: `ticket:${report.id}` });
      deps.onEnqueued();
    }
  });

  for (const [actionId, modal] of [
    [ACTIONS.ticketReply, ticketReplyModal],
    [ACTIONS.ticketResolve, ticketResolveModal],
  ] as const) {
    app.action(actionId, async ({ ack, body, action, respond, client }) => {
      await ack();
      const say = ephemeral(respond);
      const member = await gate(body.user.id, 'act', say);
      if (!member || action.type !== 'button' || !('trigger_id' in body)) return;
      const report = await openTicket(member, idOf(action.value), say);
      if (!report) return;
      await client.views.open({ trigger_id: body.trigger_id, view: modal(report.id, report.student_id) });
    });
  }

  app.view(MODALS.ticketReply, async ({ ack, body, view }) => {
    const text = inputValue(view.state.values as ViewState);
    if (!text) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: T.replyRequired } }));
    const member = await staff.resolve(body.user.id);
    const report = member ? await findProblemReport(db, Number(view.private_metadata)) : null;
    const student = report ? await findStaffStudent(db, report.student_id) : null;
    if (!member || !report || report.status === 'resolved' || !canSeeCollege(member, student?.college ?? null) || member.role === 'viewer') {
      return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: member?.role === 'viewer' ? T.viewerCannotAct : T.ticketGone } }));
    }
    await ack();
    // The reply goes to the chat the student reported from, through its outbox lane.
    const say = studentTexts(await chatLang(db, report.channel, report.chat_id));
    await deps.deliverMessage(report.channel as ChannelName, report.chat_id, say.studentReply(text));
    await changeTicket(db, report.id, { kind: 'reply' }, clock());
    await staff.audit(member, body.user.id, 'ticket.reply', { studentId: report.student_id, subject: `ticket:${report.id}`, detail: text });
    deps.onEnqueued();
  });

  app.view(MODALS.ticketResolve, async ({ ack, body, view }) => {
    const note = inputValue(view.state.values as ViewState);
    if (!note) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: T.noteRequired } }));
    const member = await staff.resolve(body.user.id);
    const report = member ? await findProblemReport(db, Number(view.private_metadata)) : null;
    const student = report ? await findStaffStudent(db, report.student_id) : null;
    if (!member || !report || member.role === 'viewer' || !canSeeCollege(member, student?.college ?? null)) {
      return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: T.ticketGone } }));
    }
    await ack();
    if (!(await changeTicket(db, report.id, { kind: 'resolve', by: member.name, note }, clock()))) return;
    await staff.audit(member, body.user.id, 'ticket.resolve', { studentId: report.student_id, subject: `ticket:${report.id}`, detail: note });
    const say = studentTexts(await chatLang(db, report.channel, report.chat_id));
    await deps.deliverMessage(report.channel as ChannelName, report.chat_id, say.studentResolved(note));
    deps.onEnqueued();
  });

  app.action(ACTIONS.creditRefund, async ({ ack, body, action, respond, client }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button' || !('trigger_id' in body)) return;
    const credit = await heldCredit(member, idOf(action.value), say);
    if (credit) await client.views.open({ trigger_id: body.trigger_id, view: refundModal(credit) });
  });

  app.action(ACTIONS.creditOffset, async ({ ack, body, action, respond, client }) => {
    await ack();
    const say = ephemeral(respond);
    const member = await gate(body.user.id, 'act', say);
    if (!member || action.type !== 'button' || !('trigger_id' in body)) return;
    const credit = await heldCredit(member, idOf(action.value), say);
    if (!credit) return;
    const items = (await listArrears(db, { studentId: credit.studentId })).map((i) => ({ id: i.itemId, label: `${i.feePeriod} ${i.itemName} 欠 ${formatMoney(i.arrears)}` }));
    await client.views.open({ trigger_id: body.trigger_id, view: offsetModal(credit, items) });
  });

  for (const callbackId of [MODALS.creditRefund, MODALS.creditOffset]) {
    app.view(callbackId, async ({ ack, body, view }) => {
      const values = view.state.values as ViewState;
      const note = inputValue(values);
      if (!note) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: T.noteRequired } }));
      const feeItemId = callbackId === MODALS.creditOffset ? idOf(inputValue(values, INPUT.itemBlock, INPUT.itemAction)) : null;
      if (callbackId === MODALS.creditOffset && feeItemId === null) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: '请选择抵扣项目。' } }));
      const member = await staff.resolve(body.user.id);
      const creditId = Number(view.private_metadata);
      const credit = member ? await findCredit(db, creditId) : null;
      const student = credit ? await findStaffStudent(db, credit.studentId) : null;
      const service = deps.heldCredits;
      const refusal = !member || !credit || !credit.flagged ? T.creditGone : member.role === 'viewer' ? T.viewerCannotAct : !canSeeCollege(member, student?.college ?? null) ? T.otherCollege(member.college ?? '') : null;
      if (refusal || !member || !credit) return void (await ack({ response_action: 'errors', errors: { [INPUT.block]: refusal ?? T.creditGone } }));
      try {
        const input = { creditId, note, actor: member.email, now: clock() };
        const outcome = feeItemId === null ? await service.refundHeldCredit(input) : await service.offsetHeldCredit({ ...input, feeItemId });
        const failed = 'status' in outcome && outcome.status === 'failed';
        // A refund the gateway refused leaves the money held: say so in the modal, which stays open.
        if (failed) await ack({ response_action: 'errors', errors: { [INPUT.block]: T.refundFailed } });
        else await ack();
        await staff.audit(member, body.user.id, failed ? 'credit.refundFailed' : callbackId, { studentId: credit.studentId, subject: `credit:${creditId}`, detail: note });
        await inTransaction(db, (tx) => enqueueStaffEvent(tx, { kind: 'credit.held', creditId }, clock()));
        deps.onEnqueued();
        logger.info({ creditId, action: callbackId, outcome }, 'held credit handled from Slack');
      } catch (error) {
        logger.warn({ err: error, creditId }, 'held credit action refused by the ledger');
        await ack({ response_action: 'errors', errors: { [INPUT.block]: `操作未完成：${error instanceof Error ? error.message.slice(0, 150) : String(error)}` } });
      }
    });
  }
}
