import type { GatewayModule } from '../../src/ports/gateway.port.js';
import { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';
import { createWechatpayGateway } from './wechatpay-gateway.js';

export { createWechatpayGateway, WECHATPAY_GATEWAY_NAME, type WechatpayGateway } from './wechatpay-gateway.js';
export { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';

const IN_WECHAT = /MicroMessenger/i;

/** WeChat Pay: JSAPI inside WeChat's browser when the payer's openid is known, Native QR elsewhere. */
export const wechatpayGatewayModule: GatewayModule<WechatpayConfig> = {
  name: 'wechatpay',
  loadConfig: loadWechatpayConfig,
  create(config, deps) {
    const gateway = createWechatpayGateway(config, deps);
    return {
      gateway,
      methods: [
        {
          id: 'wechatpay.jsapi', gateway,
          available: (payer) => IN_WECHAT.test(payer.userAgent) && Boolean(payer.openid),
          start: async (input, payer) => ({ kind: 'jsapi', params: await gateway.createJsapiOrder(input, payer.openid ?? '') }),
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
