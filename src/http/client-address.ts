import { BlockList, isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';

// Who is on the other end of a request. Without TRUSTED_PROXIES the socket's peer is the client and
// X-Forwarded-For is ignored (anyone can write it). With it, a request that arrives from a trusted
// proxy is attributed to the right-most X-Forwarded-For entry that is not itself a trusted proxy:
// entries to its left were written by the client and can be forged.

declare module 'hono' {
  interface ContextVariableMap {
    clientAddress: string;
  }
}

export interface TrustedProxies {
  has(address: string): boolean;
}

/** `TRUSTED_PROXIES`: comma-separated addresses and CIDRs (IPv4 or IPv6); empty trusts none. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  for (const raw of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address = '', bits, extra] = raw.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(bits!) || prefix > maxBits))) {
      throw new Error(`not an IP address or CIDR: "${raw}"`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return {
    has(address: string): boolean {
      const plain = normalize(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1; brackets and zone ids go. */
function normalize(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1]! : a;
}

/** Pure: the client's address from the socket peer and the X-Forwarded-For header. */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const socket = normalize(peer);
  if (!trusted.has(socket) || !forwardedFor) return socket;
  const hops = forwardedFor.split(',').map(normalize).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // A malformed entry cannot be a trusted proxy, and nothing left of it can be believed.
    if (!isIP(hop)) return socket;
    if (!trusted.has(hop)) return hop;
  }
  // Every hop is one of ours: the left-most is as close to the client as we know.
  return hops[0] ?? socket;
}

function socketPeer(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Sets `clientAddress` on every request; mounted first, by createHttpApp. */
export function clientAddressMiddleware(trusted: TrustedProxies): MiddlewareHandler {
  return async (c, next) => {
    c.set('clientAddress', resolveClientAddress(socketPeer(c), c.req.header('x-forwarded-for'), trusted));
    await next();
  };
}

/** The request's client address (see clientAddressMiddleware); the socket peer where it is not mounted. */
export function clientAddress(c: Context): string {
  return c.get('clientAddress') ?? normalize(socketPeer(c));
}
