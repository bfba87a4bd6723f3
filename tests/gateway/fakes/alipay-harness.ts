import { loadAlipayConfig } from '../../../adapters/alipay/alipay-config.js';
import { createAlipayGateway, type AlipayGateway } from '../../../adapters/alipay/alipay-gateway.js';
import { createFakeAlipay, type FakeAlipay } from './fake-alipay.js';
import { keyDir, rsaPair, type KeyDir } from './fake-keys.js';

export const ALI = { appId: '2021000122671080', sellerId: '2088102147948060' };

export interface AlipaySetup {
  fake: FakeAlipay;
  gateway: AlipayGateway;
  env: Record<string, string>;
  keys: KeyDir;
  close(): Promise<void>;
}

/** Fresh app and Alipay key pairs (the app key as the bare base64 PKCS#1 the Alipay tool writes). */
export async function setupAlipay(opts: { clock: () => number; publicBaseUrl: string; retryScheduleMs?: number[] }): Promise<AlipaySetup> {
  const app = rsaPair();
  const alipay = rsaPair();
  const keys = keyDir();
  const fake = createFakeAlipay({
    appId: ALI.appId, sellerId: ALI.sellerId, appPublicKey: app.publicKey, alipayPrivateKey: alipay.privateKey, clock: opts.clock,
    ...(opts.retryScheduleMs ? { retryScheduleMs: opts.retryScheduleMs } : {}),
  });
  const gatewayUrl = await fake.start();
  const pkcs1 = app.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const env: Record<string, string> = {
    ALIPAY_APP_ID: ALI.appId, ALIPAY_SELLER_ID: ALI.sellerId, ALIPAY_GATEWAY_URL: gatewayUrl,
    ALIPAY_PRIVATE_KEY_FILE: keys.write('app_private_key.txt', pkcs1),
    ALIPAY_PUBLIC_KEY_FILE: keys.write('alipay_public_key.pem', alipay.publicPem),
  };
  const gateway = createAlipayGateway(loadAlipayConfig(env, opts.publicBaseUrl), { clock: opts.clock });
  return {
    fake, gateway, env, keys,
    async close() {
      await fake.stop();
      keys.remove();
    },
  };
}
