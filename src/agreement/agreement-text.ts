import { readFileSync } from 'node:fs';

// Shown before every payment; the Agree button unlocks after AGREEMENT_SECONDS.
const DEFAULT_ZH = `网上缴费协议
1. 本人确认所选缴费项目及金额无误，缴费成功后款项将直接缴入学校财政专户。
2. 分期缴费的项目，本人将在规定期限内缴清剩余金额。
3. 缴费成功后，系统将开具财政电子票据，可在线查看与打印。
4. 如付款出现问题，请勿重复付款，可通过【付款出现问题】联系财务处。
5. 本人对账号和密码的安全负责，不将其告知他人。`;

const DEFAULT_EN = `Online payment agreement
1. I confirm that the selected fee items and amounts are correct; the money goes to the university's fiscal account.
2. For items paid in installments, I will pay the rest before the deadline.
3. After payment an official e-receipt is issued that I can view and print online.
4. If something goes wrong, I will not pay twice but use "Payment problem" to contact the finance office.
5. I keep my student account and password to myself.`;

/** A configured file replaces both languages (universities write their own agreement). */
export function loadAgreementText(file: string | undefined): { 'zh-CN': string; en: string } {
  if (!file) return { 'zh-CN': DEFAULT_ZH, en: DEFAULT_EN };
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim();
  return { 'zh-CN': text, en: text };
}
