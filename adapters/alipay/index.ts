export { ALIPAY_GATEWAY_NAME, createAlipayGateway, type AlipayGateway } from './alipay-gateway.js';
export { loadAlipayConfig, type AlipayConfig } from './alipay-config.js';
export { alipayGatewayModule } from './alipay-module.js';
