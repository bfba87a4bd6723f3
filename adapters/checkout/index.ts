export { checkoutToken, CHECKOUT_GATEWAY_NAME, createCheckoutGateway, type CheckoutGateway } from './checkout-gateway.js';
export { loadCheckoutConfig, type CheckoutConfig } from './checkout-config.js';
export { mountCheckoutPages } from './checkout-pages.js';
