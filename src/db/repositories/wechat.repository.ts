import { chatLanes } from '../../runtime/chat-lane.js';
import { inTransaction, type Db } from '../database.js';

// WeChat Official Account storage: the shared access_token, followers' last message times, the
// short-lived passive replies, and forgetting a follower who unsubscribed.

export interface StoredWechatToken {
  accessToken: string;
  expiresAt: number;
}

export async function findWechatToken(db: Db, appId: string): Promise<StoredWechatToken | undefined> {
  const row = await db.selectFrom('wechat_tokens').select(['access_token', 'expires_at']).where('app_id', '=', appId).executeTakeFirst();
  return row && { accessToken: row.access_token, expiresAt: Number(row.expires_at) };
}

export async function saveWechatToken(db: Db, appId: string, token: StoredWechatToken, now: number): Promise<void> {
  const values = { access_token: token.accessToken, expires_at: token.expiresAt, updated_at: now };
  await db
    .insertInto('wechat_tokens')
    .values({ app_id: appId, ...values })
    .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
    .execute();
}

/** Drops the token only if it is still the one found bad, so a fresh one saved meanwhile survives. */
export async function dropWechatToken(db: Db, appId: string, badToken: string): Promise<void> {
  await db.deleteFrom('wechat_tokens').where('app_id', '=', appId).where('access_token', '=', badToken).execute();
}

/** The follower wrote (or subscribed): the 48-hour customer-service window starts again. */
export async function touchWechatUser(db: Db, openid: string, now: number): Promise<void> {
  await db
    .insertInto('wechat_users')
    .values({ openid, last_inbound_at: now, created_at: now })
    .onConflict((oc) => oc.column('openid').doUpdateSet({ last_inbound_at: now }))
    .execute();
}

export async function findWechatLastInbound(db: Db, openid: string): Promise<number | null> {
  const row = await db.selectFrom('wechat_users').select('last_inbound_at').where('openid', '=', openid).executeTakeFirst();
  return row ? Number(row.last_inbound_at) : null;
}

/** Stores (or extends) what a request is being answered with passively. */
export async function savePassiveReply(db: Db, replyKey: string, openid: string, body: string, now: number): Promise<void> {
  await db
    .insertInto('wechat_passive_replies')
    .values({ reply_key: replyKey, openid, body, created_at: now })
    .onConflict((oc) => oc.column('reply_key').doUpdateSet({ body }))
    .execute();
}

export async function findPassiveReply(db: Db, replyKey: string): Promise<string | null> {
  const row = await db.selectFrom('wechat_passive_replies').select('body').where('reply_key', '=', replyKey).executeTakeFirst();
  return row?.body ?? null;
}

/** WeChat retries within ~15 s; older passive replies are of no use. */
export async function prunePassiveReplies(db: Db, before: number): Promise<void> {
  await db.deleteFrom('wechat_passive_replies').where('created_at', '<', before).execute();
}

/**
 * After `unsubscribe` the platform's rules require deleting the follower's data: their binding
 * (the conversation, with its logged-in 学号), chat record, window, pending messages and captcha.
 * Orders and payments stay (money records), as do login failures and the audit trail (security).
 */
export async function forgetWechatUser(db: Db, openid: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('conversations').where('channel', '=', 'wechat').where('chat_id', '=', openid).execute();
    await tx.deleteFrom('channel_chats').where('channel', '=', 'wechat').where('chat_id', '=', openid).execute();
    await tx.deleteFrom('captcha_challenges').where('channel', '=', 'wechat').where('chat_id', '=', openid).execute();
    await tx.deleteFrom('wechat_users').where('openid', '=', openid).execute();
    await tx.deleteFrom('wechat_passive_replies').where('openid', '=', openid).execute();
    await tx
      .deleteFrom('outbox')
      .where('status', '=', 'pending')
      .where('lane', 'in', chatLanes('wechat', openid))
      .execute();
  });
}

/** Outbox entries of this chat not yet done (being sent included): its deliveries and commands. */
export async function countUnfinishedChatWork(db: Db, openid: string): Promise<number> {
  const lane = `chat:wechat:${openid}`;
  const row = await db
    .selectFrom('outbox')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('lane', 'in', [lane, `cmd:${lane}`])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
