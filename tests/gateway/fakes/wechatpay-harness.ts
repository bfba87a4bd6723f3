import { loadWechatpayConfig } from '../../../adapters/wechatpay/wechatpay-config.js';
import { createWechatpayGateway, type WechatpayGateway } from '../../../adapters/wechatpay/wechatpay-gateway.js';
import { createFakeWechatpay, type FakeWechatpay } from './fake-wechatpay.js';
import { keyDir, rsaPair, selfSignedCert, type KeyDir } from './fake-keys.js';

export const WX = { mchid: '1900000109', appId: 'wxd678efh567hg6787', serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', apiV3Key: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6' };
export const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';

export interface WechatpaySetup {
  fake: FakeWechatpay;
  gateway: WechatpayGateway;
  /** The environment feebot would be started with (key files included). */
  env: Record<string, string>;
  keys: KeyDir;
  close(): Promise<void>;
}

/** Fresh key pairs, the fake WeChat Pay API on a free port, and the adapter configured from files. */
export async function setupWechatpay(opts: { mode: 'publicKey' | 'certificate'; clock: () => number; publicBaseUrl: string; retryScheduleMs?: number[] }): Promise<WechatpaySetup> {
  const merchant = rsaPair();
  const platform = rsaPair();
  const keys = keyDir();
  const cert = opts.mode === 'certificate' ? selfSignedCert(keys, platform) : null;
  const fake = createFakeWechatpay({
    mchid: WX.mchid, appId: WX.appId, merchantSerialNo: WX.serial, merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey, platformSerial: cert ? cert.serial : PUB_KEY_ID, apiV3Key: WX.apiV3Key, clock: opts.clock,
    ...(opts.retryScheduleMs ? { retryScheduleMs: opts.retryScheduleMs } : {}),
  });
  const apiBase = await fake.start();
  const env: Record<string, string> = {
    WECHATPAY_MCHID: WX.mchid, WECHATPAY_APPID: WX.appId, WECHATPAY_MERCHANT_SERIAL_NO: WX.serial,
    WECHATPAY_PRIVATE_KEY_FILE: keys.write('apiclient_key.pem', merchant.privatePem), WECHATPAY_APIV3_KEY: WX.apiV3Key, WECHATPAY_API_BASE: apiBase,
    ...(cert
      ? { WECHATPAY_PLATFORM_CERT_FILES: keys.write('wechatpay_cert.pem', cert.pem) }
      : { WECHATPAY_PUBLIC_KEY_ID: PUB_KEY_ID, WECHATPAY_PUBLIC_KEY_FILE: keys.write('pub_key.pem', platform.publicPem) }),
  };
  const gateway = createWechatpayGateway(loadWechatpayConfig(env, opts.publicBaseUrl), { clock: opts.clock });
  return {
    fake, gateway, env, keys,
    async close() {
      await fake.stop();
      keys.remove();
    },
  };
}
