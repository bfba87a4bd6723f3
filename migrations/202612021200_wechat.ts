import type { Kysely } from 'kysely';

// WeChat Official Account: the one shared access_token, each follower's last message time (the
// 48-hour customer-service window), and passive replies kept briefly so that WeChat's retry of a
// request whose answer got lost is answered the same way instead of with nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wechat_tokens')
    .addColumn('app_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('access_token', 'varchar(1024)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wechat_users')
    .addColumn('openid', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('last_inbound_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wechat_passive_replies')
    .addColumn('reply_key', 'varchar(160)', (c) => c.primaryKey())
    .addColumn('openid', 'varchar(128)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wechat_passive_replies_created').on('wechat_passive_replies').column('created_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
