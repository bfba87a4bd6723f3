import type { StaffChannelModule } from '../../src/channel-modules.js';
import { loadSlackConfig, type SlackConfig } from './slack-config.js';

/**
 * Enabled by SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET; built by main from src/channel-modules.ts.
 * The settings are read at every start; @slack/bolt (~15 MB) loads only when Slack is on.
 */
export const slackStaffChannel: StaffChannelModule<SlackConfig> = {
  name: 'slack',
  loadConfig: loadSlackConfig,
  async create(config, deps) {
    const { createSlackStaffChannel } = await import('./index.js');
    return createSlackStaffChannel(config, deps);
  },
};
