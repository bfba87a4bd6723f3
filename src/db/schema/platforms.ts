// Platform bookkeeping: WeChat tokens and users, leases and send budgets shared by instances.
// Row shapes of tables created in migrations/; money in fen, times in epoch ms.

/** The shared WeChat access_token (one row per app id): every instance uses the same copy. */
export interface WechatTokensTable {
  app_id: string;
  access_token: string;
  expires_at: number;
  updated_at: number;
}

/** A WeChat follower: when they last wrote (customer-service messages are allowed for 48 h after). */
export interface WechatUsersTable {
  openid: string;
  last_inbound_at: number;
  created_at: number;
}

/** What a WeChat request was answered with passively (JSON), replayed if WeChat retries it. */
export interface WechatPassiveRepliesTable {
  reply_key: string;
  openid: string;
  body: string;
  created_at: number;
}

/** One holder fleet-wide (background jobs, Telegram polling) until expires_at (epoch ms). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** When a rate-limited key (a bot, a chat) last got a turn to send, in epoch microseconds. */
export interface SendTurnsTable {
  key: string;
  last_at_us: number;
}

/** Parts of a multi-part delivery already sent, and the platform id of the last one. */
export interface SendProgressTable {
  key: string;
  sent: number;
  last_id: number;
  updated_at: number;
}
