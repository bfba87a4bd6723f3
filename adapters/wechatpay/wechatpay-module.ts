import type { GatewayModule } from '../../src/ports/gateway.port.js';
import { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';

const IN_WECHAT = /MicroMessenger/i;

/**
 * WeChat Pay: JSAPI inside WeChat's browser once the payer's openid is known (the checkout gets it
 * through the OA's web authorisation when the WeChat channel is configured), Native QR elsewhere.
 * The settings are read at every start; the gateway code loads only when GATEWAYS lists wechatpay.
 */
export const wechatpayGatewayModule: GatewayModule<WechatpayConfig> = {
  name: 'wechatpay',
  loadConfig: loadWechatpayConfig,
  async create(config, deps) {
    const [{ createWechatpayGateway }, { createOaWebAuth }] = await Promise.all([import('./wechatpay-gateway.js'), import('./wechatpay-oauth.js')]);
    const gateway = createWechatpayGateway(config, deps);
    const payerAuth = config.oaAuth ? createOaWebAuth(config.oaAuth) : undefined;
    return {
      gateway,
      methods: [
        {
          id: 'wechatpay.jsapi', gateway,
          available: (payer) => IN_WECHAT.test(payer.userAgent) && Boolean(payer.openid),
          start: async (input, payer) => ({ kind: 'jsapi', params: await gateway.createJsapiOrder(input, payer.openid ?? '') }),
          ...(payerAuth ? { payerAuth } : {}),
        },
        {
          id: 'wechatpay.native', gateway,
          available: (payer) => !(IN_WECHAT.test(payer.userAgent) && payer.openid),
          start: async (input) => ({ kind: 'qr', payload: (await gateway.createOrder(input)).qrPayload }),
        },
      ],
    };
  },
};
