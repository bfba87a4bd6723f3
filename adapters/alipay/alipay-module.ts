import type { GatewayModule } from '../../src/ports/gateway.port.js';
import { loadAlipayConfig, type AlipayConfig } from './alipay-config.js';

const PHONE = /Android|iPhone|iPad|Mobile/i;

/**
 * Alipay: the precreate QR (scan with the Alipay app) and, on a phone, the phone-site payment.
 * The settings are read at every start; alipay-sdk (~10 MB) loads only when GATEWAYS lists alipay.
 */
export const alipayGatewayModule: GatewayModule<AlipayConfig> = {
  name: 'alipay',
  loadConfig: loadAlipayConfig,
  async create(config, deps) {
    const { createAlipayGateway } = await import('./alipay-gateway.js');
    const gateway = createAlipayGateway(config, deps);
    return {
      gateway,
      methods: [
        { id: 'alipay.qr', gateway, available: () => true, start: async (input) => ({ kind: 'qr', payload: (await gateway.createOrder(input)).qrPayload }) },
        { id: 'alipay.wap', gateway, available: (payer) => PHONE.test(payer.userAgent), start: async (input) => ({ kind: 'redirect', url: gateway.wapPayUrl(input) }) },
      ],
    };
  },
};
