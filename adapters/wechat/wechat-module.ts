import type { ChannelModule } from '../../src/channel-modules.js';
import { loadWechatConfig, type WechatConfig } from './wechat-config.js';

/**
 * Enabled by WECHAT_APP_ID; built by main from src/channel-modules.ts. The settings are read at
 * every start; the XML parser and the adapter load only when the channel is on.
 */
export const wechatChannel: ChannelModule<WechatConfig> = {
  name: 'wechat',
  loadConfig: loadWechatConfig,
  async create(config, deps) {
    const { createWechatAdapter } = await import('./index.js');
    return createWechatAdapter({
      config,
      db: deps.db,
      dispatcher: deps.dispatcher,
      guard: () => deps.accounts().guard,
      publicBaseUrl: deps.publicBaseUrl,
      clock: deps.clock,
      logger: deps.logger,
    });
  },
};
