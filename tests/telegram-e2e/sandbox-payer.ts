// Pays an order on the hosted sandbox gateway pages with plain HTTP, the way a browser would:
// each step's form action is read from the page before, the "SMS" code from the code page.

export interface SandboxPayment {
  transactionId: string;
  /** The HTML of every page seen, in order (pay, code, method, bank, result). */
  pages: string[];
}

export async function payAtSandbox(payUrl: string, phone: string): Promise<SandboxPayment> {
  const pages: string[] = [];
  const open = async (res: Response, step: string): Promise<string> => {
    const html = await res.text();
    pages.push(html);
    if (res.status !== 200) throw new Error(`sandbox ${step} page answered ${res.status}: ${html.slice(0, 300)}`);
    return html;
  };
  const submit = (html: string, endsWith: string, fields: Record<string, string>) =>
    fetch(new URL(formAction(html, endsWith), payUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });

  const payPage = await open(await fetch(payUrl), 'pay');
  const codePage = await open(await submit(payPage, '/phone', { phone }), 'code');
  const code = /id="sandbox-sms-code"[^>]*>\s*(\d{6})\s*</.exec(codePage)?.[1];
  if (!code) throw new Error('no sandbox verification code on the code page');
  const methodPage = await open(await submit(codePage, '/code', { code }), 'method');
  const bankPage = await open(await submit(methodPage, '/method', { method: 'wechat', agree: 'on' }), 'bank');
  const result = await open(await submit(bankPage, '/bank/pay', {}), 'result');
  if (!/id="pay-result"[^>]*>支付成功</.test(result)) throw new Error(`sandbox payment did not succeed: ${result.slice(0, 300)}`);
  const transactionId = /id="transaction-id">([^<]+)</.exec(result)?.[1] ?? '';
  return { transactionId, pages };
}

function formAction(html: string, endsWith: string): string {
  const actions = [...html.matchAll(/<form[^>]*\saction="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const action = actions.find((a) => a.endsWith(endsWith));
  if (!action) throw new Error(`no form posting to …${endsWith} (forms: ${actions.join(', ')})`);
  return action;
}
