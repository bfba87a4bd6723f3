import type { Kysely } from 'kysely';
import { serialKey } from '../src/db/migration-kit.js';

// Portable schema: integer money (fen) and integer epoch-millisecond times, no SQLite-only tricks.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('students')
    .addColumn('student_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('college', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('major', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('class_name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('recovery_email', 'varchar(254)')
    .addColumn('phone', 'varchar(32)')
    .addColumn('id_number', 'varchar(32)')
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('password_changed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('fee_items')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull().references('students.student_id'))
    .addColumn('fee_period', 'varchar(16)', (c) => c.notNull())
    .addColumn('code', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('amount_due', 'bigint', (c) => c.notNull())
    .addColumn('amount_paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('installment_allowed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('min_installment', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('due_date', 'varchar(10)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('fee_items_student_period_code', ['student_id', 'fee_period', 'code'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull().references('students.student_id'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('gateway', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('pay_url', 'text')
    .addColumn('qr_payload', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'bigint')
    .execute();
  await db.schema.createIndex('orders_student_status').on('orders').columns(['student_id', 'status']).execute();
  await db.schema.createIndex('orders_status_expires').on('orders').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().references('orders.id'))
    .addColumn('fee_item_id', 'integer', (c) => c.notNull().references('fee_items.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'fee_item_id'])
    .execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('gateway', 'varchar(32)', (c) => c.notNull())
    .addColumn('transaction_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('paid_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('payments_gateway_txn', ['gateway', 'transaction_id'])
    .execute();

  await db.schema
    .createTable('credits')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('payment_id', 'integer', (c) => c.notNull().references('payments.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'varchar(32)', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('receipts')
    .addColumn('receipt_no', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().unique().references('orders.id'))
    .addColumn('check_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('view_token', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('payer_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('problem_reports')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversations_pk', ['channel', 'chat_id'])
    .execute();
  await db.schema.createIndex('conversations_student').on('conversations').column('student_id').execute();

  await db.schema
    .createTable('inbound_updates')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('update_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_updates_pk', ['channel', 'update_id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('lane', 'varchar(160)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_status_run_after').on('outbox').columns(['status', 'run_after']).execute();
  await db.schema.createIndex('outbox_lane_status').on('outbox').columns(['lane', 'status', 'id']).execute();

  await db.schema
    .createTable('channel_chats')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('menu_message_id', 'varchar(64)')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_chats_pk', ['channel', 'chat_id'])
    .execute();

  await db.schema
    .createTable('web_messages')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('message_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_messages_chat').on('web_messages').columns(['chat_id', 'id']).execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'integer', serialKey(db))
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('chat_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_student').on('login_failures').columns(['student_id', 'at']).execute();

  await db.schema
    .createTable('lockouts')
    .addColumn('student_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // A new password waiting for its confirmation, held only as a hash (never in conversation state).
  await db.schema
    .createTable('staged_passwords')
    .addColumn('student_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // The sandbox gateway is an external system in spirit; it keeps its own orders in its own table.
  await db.schema
    .createTable('sandbox_orders')
    .addColumn('order_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('student_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('payer_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('transaction_id', 'varchar(64)')
    .addColumn('phone', 'varchar(32)')
    .addColumn('sms_code', 'varchar(8)')
    .addColumn('method', 'varchar(16)')
    .addColumn('notify_url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
