import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Key material the fake platforms and feebot use in tests: fresh RSA pairs each run, written to files
// the way an operator would (feebot reads keys from files only).

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export function rsaPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey, publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface KeyDir {
  dir: string;
  write(name: string, content: string): string;
  remove(): void;
}

export function keyDir(): KeyDir {
  const dir = mkdtempSync(join(tmpdir(), 'feebot-keys-'));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A self-signed platform certificate for `pair` (certificate mode), made with the openssl CLI. */
export function selfSignedCert(dir: KeyDir, pair: KeyPair): { pem: string; serial: string } {
  const keyPath = dir.write('platform-key.pem', pair.privatePem);
  const certPath = join(dir.dir, 'platform-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyPath, '-days', '2', '-subj', '/CN=Tenpay.com Root CA/O=Tenpay.com', '-out', certPath], { stdio: 'ignore' });
  const pem = execFileSync('cat', [certPath]).toString();
  return { pem, serial: new X509Certificate(pem).serialNumber.toUpperCase() };
}
