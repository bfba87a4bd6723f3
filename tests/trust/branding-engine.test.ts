import { describe, expect, it } from 'vitest';
import { financeOfficeLines, loadBranding } from '../../src/branding.js';
import { MINUTE, T0, createHarness, makeConfig, makeState, menuOf, messageTexts, passwordPromptHarness } from '../engine/fixtures.js';

// The engine's texts name the configured university and finance office (UNIVERSITY_NAME, FINANCE_OFFICE_*).

const branding = loadBranding({
  UNIVERSITY_NAME: '测试理工大学',
  UNIVERSITY_NAME_EN: 'Test Tech University',
  FINANCE_OFFICE_PHONE: '021-5555 0101',
  FINANCE_OFFICE_EMAIL: 'cwc@tech.example',
  FINANCE_OFFICE_HOURS: '工作日 9:00–16:30',
  FINANCE_OFFICE_PLACE: '综合楼 2 楼',
});
const config = { ...makeConfig(), branding: { universityName: branding.universityName, financeOffice: financeOfficeLines(branding) } };
const CONTACT = '测试理工大学财务处（电话 021-5555 0101；邮箱 cwc@tech.example；办公时间 工作日 9:00–16:30；地点 综合楼 2 楼）';

describe('branding in the conversation', () => {
  it('the lockout names 忘记密码 as the way out now, and the finance office with its contact', () => {
    const h = passwordPromptHarness({ config });
    const [text] = messageTexts(h.send({ kind: 'login.result', result: { ok: false, reason: 'locked', until: T0 + 10 * MINUTE } }));
    expect(text).toContain('请 10 分钟后再试');
    expect(text).toContain('点击「忘记密码」通过密保邮箱重置密码，可立即解除锁定');
    expect(text).toContain(`没有密保邮箱请联系${CONTACT}`);
  });

  it('忘记密码 repeats the 学号 and gives everyone the same contact line (a decoy address looks like a real one)', () => {
    const known = passwordPromptHarness({ config });
    known.send({ kind: 'reset.previewed', studentId: known.state.step.name === 'login.password' ? known.state.step.studentId : '', maskedEmail: 'z***@example.edu.cn' });
    const unknown = passwordPromptHarness({ config });
    unknown.send({ kind: 'reset.previewed', studentId: unknown.state.step.name === 'login.password' ? unknown.state.step.studentId : '', maskedEmail: 'q***@example.edu.cn' });
    const a = known.menu().text;
    const b = unknown.menu().text;
    const sid = known.state.step.name === 'forgot.confirm' ? known.state.step.studentId : 'missing';
    for (const text of [a, b]) {
      expect(text.split('\n')[0]).toBe(`学号：${sid}`);
      expect(text.split('\n').at(-1)).toBe(`没有设置密保邮箱或已无法使用该邮箱的同学，请联系${CONTACT}`);
    }
  });

  it('the login prompt and help name the university; English uses the English name', () => {
    const h = createHarness({ config });
    const first = h.send({ kind: 'start' });
    expect(menuOf(first).text).toContain('测试理工大学 学生网上缴费平台');
    expect(messageTexts(h.type('帮助')).join('\n')).toContain(`缴费问题请联系${CONTACT}`);
    const en = createHarness({ config, state: makeState({}, 'en') });
    expect(menuOf(en.send({ kind: 'start' })).text).toContain('Test Tech University student fee payment');
    expect(messageTexts(en.type('help')).join('\n')).toContain('contact the Finance Office of Test Tech University (phone 021-5555 0101; e-mail cwc@tech.example;');
  });
});
