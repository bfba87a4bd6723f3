import type { GatewayModule } from '../../src/ports/gateway.port.js';
import { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';
import { createWechatpayGateway } from './wechatpay-gateway.js';
import { createOaWebAuth } from './wechatpay-oauth.js';

export { createWechatpayGateway, WECHATPAY_GATEWAY_NAME, type WechatpayGateway } from './wechatpay-gateway.js';
export { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';
export { createOaWebAuth, type OaWebAuthConfig } from './wechatpay-oauth.js';

const IN_WECHAT = /MicroMessenger/i;

/**
 * WeChat Pay: JSAPI inside WeChat's browser once the payer's openid is known (the checkout gets it
 * through the OA's web authorisation when the WeChat channel is configured), Native QR elsewhere.
 */
export const wechatpayGatewayModule: GatewayModule<WechatpayConfig> = {
  name: 'wechatpay',
  loadConfig: loadWechatpayConfig,
  create(config, deps) {
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
