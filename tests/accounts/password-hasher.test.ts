import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { TEST_COST } from './accounts-fixture.js';

const ENCODED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

describe('password hasher', () => {
  it('uses the OWASP parameters by default: scrypt$17$8$1, 16-byte salt, 32-byte key', async () => {
    const hasher = createPasswordHasher();
    const encoded = await hasher.hash('correct horse');
    const m = ENCODED.exec(encoded);
    expect(m).not.toBeNull();
    expect(m?.slice(1, 4)).toEqual(['17', '8', '1']);
    expect(Buffer.from(m?.[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(m?.[5] ?? '', 'base64')).toHaveLength(32);
    expect(await hasher.verify('correct horse', encoded)).toBe(true);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hasher = createPasswordHasher({ cost: TEST_COST });
    const encoded = await hasher.hash('Passw0rd!');
    expect(encoded.startsWith(`scrypt$${TEST_COST}$8$1$`)).toBe(true);
    expect(await hasher.verify('Passw0rd!', encoded)).toBe(true);
    expect(await hasher.verify('Passw0rd?', encoded)).toBe(false);
    expect(await hasher.verify('', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const hasher = createPasswordHasher({ cost: TEST_COST });
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
    expect(await hasher.verify('same', a)).toBe(true);
    expect(await hasher.verify('same', b)).toBe(true);
  });

  it('verifies hashes made with other parameters (they are read from the encoding)', async () => {
    const cheap = createPasswordHasher({ cost: 11 });
    const other = createPasswordHasher({ cost: TEST_COST });
    expect(await other.verify('pw-12345', await cheap.hash('pw-12345'))).toBe(true);
  });

  it('treats malformed or hostile encodings as a wrong password', async () => {
    const hasher = createPasswordHasher({ cost: TEST_COST });
    const good = await hasher.hash('x');
    const parts = good.split('$');
    for (const bad of [
      '',
      'plain-text',
      'bcrypt$10$abc',
      ['argon2', ...parts.slice(1)].join('$'),
      ['scrypt', '30', ...parts.slice(2)].join('$'), // would need gigabytes
      ['scrypt', ...parts.slice(1, 4), '!!!', parts[5]].join('$'),
      `${good}$extra`,
    ]) {
      expect(await hasher.verify('x', bad), bad).toBe(false);
    }
  });

  it('verifyDummy always says no, and does real work once the dummy exists', async () => {
    const hasher = createPasswordHasher({ cost: TEST_COST });
    expect(await hasher.verifyDummy('anything')).toBe(false);
    expect(await hasher.verifyDummy('')).toBe(false);
  });

  it('rejects absurd cost settings', () => {
    expect(() => createPasswordHasher({ cost: 4 })).toThrow();
    expect(() => createPasswordHasher({ cost: 25 })).toThrow();
  });
});
