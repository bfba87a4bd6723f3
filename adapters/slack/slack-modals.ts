import type { types } from '@slack/bolt';
import { formatMoney } from '../../src/money.js';
import { context, esc, INPUT, MODALS, section, type Block } from './slack-render.js';

// Pure modal builders (views.open): data in, a modal view out.

function modal(callbackId: string, title: string, metadata: string, blocks: Block[], submit = '提交'): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: 'plain_text', text: title.slice(0, 24) },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: '取消' },
    blocks,
  };
}

function textInput(label: string, multiline: boolean, maxLength: number): Block {
  return {
    type: 'input',
    block_id: INPUT.block,
    label: { type: 'plain_text', text: label },
    element: { type: 'plain_text_input', action_id: INPUT.action, multiline, max_length: maxLength },
  };
}

export function ticketReplyModal(ticketId: number, studentId: string): types.ModalView {
  return modal(MODALS.ticketReply, `回复学生 #${ticketId}`, String(ticketId), [section(`回复将发送到学生 ${studentId} 报告问题时所用的聊天渠道。`), textInput('回复内容', true, 1000)], '发送');
}

export function ticketResolveModal(ticketId: number): types.ModalView {
  return modal(MODALS.ticketResolve, `解决问题单 #${ticketId}`, String(ticketId), [textInput('处理说明', true, 500)]);
}

export function refundModal(c: { id: number; amount: number; studentId: string }): types.ModalView {
  return modal(MODALS.creditRefund, '退款', String(c.id), [section(`将为学生 ${c.studentId} 记录一笔 *${formatMoney(c.amount)}* 的待退款。`), textInput('备注', true, 500)], '确认退款');
}

export function offsetModal(c: { id: number; amount: number; studentId: string }, items: { id: number; label: string }[]): types.ModalView {
  const blocks: Block[] = [section(`将 *${formatMoney(c.amount)}* 抵扣学生 ${c.studentId} 的未缴清项目。`)];
  if (items.length === 0) blocks.push(section('该学生没有未缴清项目，无法抵扣。'));
  else
    blocks.push({
      type: 'input',
      block_id: INPUT.itemBlock,
      label: { type: 'plain_text', text: '抵扣项目' },
      element: { type: 'static_select', action_id: INPUT.itemAction, options: items.slice(0, 100).map((i) => ({ text: { type: 'plain_text', text: i.label.slice(0, 75) }, value: String(i.id) })) },
    });
  blocks.push(textInput('备注', true, 500));
  return modal(MODALS.creditOffset, '抵扣', String(c.id), blocks, '确认抵扣');
}

export function remindModal(studentId: string, text: string, channels: string[]): types.ModalView {
  return modal(
    MODALS.studentRemind,
    '发送催缴提醒',
    studentId,
    [section(`*将发送给 ${studentId}：*\n>${esc(text)}`), context(`渠道：${channels.join('、')}`)],
    '发送',
  );
}

export function deferralRejectModal(id: number): types.ModalView {
  return modal(MODALS.deferralReject, `驳回缓缴申请 #${id}`, String(id), [section('驳回原因将发送给学生。'), textInput('驳回原因', true, 300)], '驳回');
}
