import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { createFairQueue, type FairQueue } from './fair-queue.js';

// scrypt with the OWASP parameters (N=2^17, r=8, p=1). Each call needs 128·N·r bytes (128 MiB),
// so every call waits in a small fair queue (fair-queue.ts): a burst of logins queues instead of
// exhausting memory, each source gets its turn, and a full queue answers QueueFullError at once.

export interface PasswordHasher {
  // `source` (see fair-queue.ts): who asked, for a fair and bounded queue; without one the call
  // waits in the unbounded internal lane (imports, resets). May throw QueueFullError.
  /** `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` */
  hash(password: string, source?: string): Promise<string>;
  /** False for a wrong password and for a malformed encoded hash. */
  verify(password: string, encoded: string, source?: string): Promise<boolean>;
  /** Does the work of one verify against a fixed hash, for unknown students; always false. */
  verifyDummy(password: string, source?: string): Promise<false>;
}

export interface PasswordHasherOptions {
  /** Parallel scrypt calls allowed (each takes 128·2^cost·r bytes). */
  concurrency?: number;
  /** Calls one source may have waiting; more are refused (QueueFullError). */
  maxWaitingPerSource?: number;
  /** Calls waiting from all sources together; more are refused. */
  maxWaiting?: number;
  /** log2 of N. OWASP: 17. Tests may pass a cheaper value (≥ 10) to stay fast. */
  cost?: number;
  blockSize?: number;
  parallelization?: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEM = 256 * 1024 * 1024;
// Bounds for parameters read back from stored hashes, so a corrupt row cannot ask for gigabytes.
const MAX_COST = 20;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELIZATION = 4;

interface Params {
  cost: number;
  blockSize: number;
  parallelization: number;
}

function derive(password: string, salt: Buffer, keyLength: number, params: Params): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** params.cost, r: params.blockSize, p: params.parallelization, maxmem: MAX_MEM };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decode(encoded: string): { params: Params; salt: Buffer; hash: Buffer } | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map((p) => (/^\d{1,2}$/.test(p) ? Number(p) : NaN));
  const [saltText = '', hashText = ''] = parts.slice(4);
  if (cost === undefined || blockSize === undefined || parallelization === undefined) return null;
  if (!(cost >= 1 && cost <= MAX_COST && blockSize >= 1 && blockSize <= MAX_BLOCK_SIZE)) return null;
  if (!(parallelization >= 1 && parallelization <= MAX_PARALLELIZATION)) return null;
  if (!B64.test(saltText) || !B64.test(hashText)) return null;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params: { cost, blockSize, parallelization }, salt, hash };
}

function encode(params: Params, salt: Buffer, hash: Buffer): string {
  return ['scrypt', params.cost, params.blockSize, params.parallelization, salt.toString('base64'), hash.toString('base64')].join('$');
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const { concurrency = 2, cost = 17, blockSize = 8, parallelization = 1, maxWaitingPerSource, maxWaiting } = options;
  if (!Number.isInteger(cost) || cost < 10 || cost > MAX_COST) throw new Error(`scrypt cost must be 10..${MAX_COST}, got ${cost}`);
  const params: Params = { cost, blockSize, parallelization };
  const limiter: FairQueue = createFairQueue({
    concurrency,
    ...(maxWaitingPerSource !== undefined ? { maxWaitingPerSource } : {}),
    ...(maxWaiting !== undefined ? { maxWaiting } : {}),
  });
  let dummy: Promise<string> | undefined;

  const hash = async (password: string, source?: string): Promise<string> => {
    const salt = randomBytes(SALT_LENGTH);
    const key = await limiter.run(() => derive(password, salt, KEY_LENGTH, params), source);
    return encode(params, salt, key);
  };

  const verify = async (password: string, encoded: string, source?: string): Promise<boolean> => {
    const decoded = decode(encoded);
    if (!decoded) return false;
    const key = await limiter.run(() => derive(password, decoded.salt, decoded.hash.length, decoded.params), source);
    return timingSafeEqual(key, decoded.hash);
  };

  const verifyDummy = async (password: string, source?: string): Promise<false> => {
    // A random password nobody knows, hashed once with our own parameters on first use.
    dummy ??= hash(randomBytes(18).toString('base64')).catch((error: unknown) => {
      dummy = undefined;
      throw error;
    });
    await verify(password, await dummy, source);
    return false;
  };

  return { hash, verify, verifyDummy };
}
