import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/engine/i18n/en.js';
import { CATALOGS, createTranslator, interpolate, placeholdersOf, translate } from '../../src/engine/i18n/index.js';
import { zhCN } from '../../src/engine/i18n/zh-CN.js';

describe('i18n catalogues', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('use the same parameters in both languages', () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(placeholdersOf(en[key]), key).toEqual(placeholdersOf(zhCN[key]));
    }
  });

  it('hold no empty message', () => {
    for (const catalog of Object.values(CATALOGS)) {
      for (const [key, text] of Object.entries(catalog)) expect(text.trim(), key).not.toBe('');
    }
  });

  it('contain the wording of the student guide', () => {
    const values = Object.values(zhCN).join('\n');
    for (const label of [
      '学号或密码有误', '收费情况明细', '未缴清项目', '缴费历史项目', '收费期间', '网上缴费', '分期', '同意', '取消', '确认',
      '返回', '付款已成功', '付款出现问题', '修改密码', '修改邮箱', '退出系统', '新密码与确认密码要求一致', '学生基本信息', '欠费总额',
      '忘记密码', '系统将发送邮件到你的密保邮箱，是否确认发送？', '发送', '验证码错误',
    ]) {
      expect(values).toContain(label);
    }
    expect(zhCN['btn.detail']).toBe('明细');
  });

  it('labels buttons without the guide’s 【】 brackets', () => {
    for (const [key, text] of Object.entries(zhCN)) if (key.startsWith('btn.')) expect(text, key).not.toMatch(/[【】]/);
  });

  it('interpolates parameters', () => {
    expect(translate('zh-CN', 'login.locked', { minutes: 15, financeOffice: '财务处' })).toBe(
      '登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。\n点击「忘记密码」通过密保邮箱重置密码，可立即解除锁定；没有密保邮箱请联系财务处',
    );
    expect(translate('en', 'agreement.wait', { seconds: 7 })).toBe('Please read the agreement first; you can agree in 7 s');
    expect(createTranslator('zh-CN')('btn.pay')).toBe('网上缴费');
    expect(interpolate('{a} and {b} and {a}', { a: 1, b: 'x' })).toBe('1 and x and 1');
    expect(interpolate('{missing}', {})).toBe('{missing}');
  });
});

describe('engine sources', () => {
  const root = join(import.meta.dirname, '../../src/engine');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });

  it('keep every Chinese string in the catalogue', () => {
    // text-commands.ts holds what students may TYPE (菜单, 缴费…), not what they are shown.
    for (const file of files(root).filter((f) => !f.includes('/i18n/') && !f.endsWith('text-commands.ts'))) {
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(code, file).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('stay pure: no node: imports, no Date.now, no I/O modules, short files', () => {
    for (const file of files(root)) {
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/from ['"](node:|kysely|hono|better-sqlite3)/);
      expect(code, file).not.toMatch(/Date\.now\(|Math\.random\(/);
      expect(code.split('\n').length, file).toBeLessThan(300);
    }
  });
});
