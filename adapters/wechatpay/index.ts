export { createWechatpayGateway, WECHATPAY_GATEWAY_NAME, type WechatpayGateway } from './wechatpay-gateway.js';
export { loadWechatpayConfig, type WechatpayConfig } from './wechatpay-config.js';
export { createOaWebAuth, type OaWebAuthConfig } from './wechatpay-oauth.js';
export { wechatpayGatewayModule } from './wechatpay-module.js';
