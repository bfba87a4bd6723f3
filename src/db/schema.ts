import type { StudentsTable, FeeItemsTable, OrdersTable, OrderLinesTable, PaymentsTable, CreditsTable, ReceiptsTable, RefundsTable, CreditResolutionsTable, DeferralsTable, ReconcileReportsTable } from './schema/ledger.js';
import type { ConversationsTable, InboundUpdatesTable, OutboxTable, ChannelChatsTable, WebMessagesTable, ProblemReportsTable, AnnouncementsTable } from './schema/conversations.js';
import type { LoginFailuresTable, InitialPasswordLoginsTable, LoginProofsTable, LockoutsTable, StagedPasswordsTable, PasswordResetsTable, AuditLogTable, EmailChangesTable, CaptchaChallengesTable, SettingsTable } from './schema/accounts.js';
import type { StaffTable, StaffAuditTable, SlackCardsTable } from './schema/staff.js';
import type { SandboxOrdersTable, SandboxRefundsTable, CheckoutOrdersTable, CheckoutAttemptsTable } from './schema/gateways.js';
import type { WechatTokensTable, WechatUsersTable, WechatPassiveRepliesTable, LeasesTable, SendTurnsTable, SendProgressTable } from './schema/platforms.js';
import type { DunningRunsTable, DunningRemindersTable, DunningEscalationsTable, DunningOptoutsTable, PayLinkUsesTable } from './schema/dunning.js';
export type * from './schema/ledger.js';
export type * from './schema/conversations.js';
export type * from './schema/accounts.js';
export type * from './schema/staff.js';
export type * from './schema/gateways.js';
export type * from './schema/platforms.js';
export type * from './schema/dunning.js';

// Row shapes of the tables created in migrations/, one file per area under schema/; Database maps
// each table name to its row shape for kysely. Money in fen, times in epoch milliseconds.

export interface Database {
  students: StudentsTable;
  fee_items: FeeItemsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  payments: PaymentsTable;
  credits: CreditsTable;
  receipts: ReceiptsTable;
  problem_reports: ProblemReportsTable;
  conversations: ConversationsTable;
  inbound_updates: InboundUpdatesTable;
  outbox: OutboxTable;
  channel_chats: ChannelChatsTable;
  web_messages: WebMessagesTable;
  login_failures: LoginFailuresTable;
  initial_password_logins: InitialPasswordLoginsTable;
  login_proofs: LoginProofsTable;
  lockouts: LockoutsTable;
  staged_passwords: StagedPasswordsTable;
  sandbox_orders: SandboxOrdersTable;
  settings: SettingsTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  email_changes: EmailChangesTable;
  captcha_challenges: CaptchaChallengesTable;
  staff: StaffTable;
  staff_audit: StaffAuditTable;
  slack_cards: SlackCardsTable;
  deferrals: DeferralsTable;
  announcements: AnnouncementsTable;
  refunds: RefundsTable;
  credit_resolutions: CreditResolutionsTable;
  sandbox_refunds: SandboxRefundsTable;
  checkout_orders: CheckoutOrdersTable;
  checkout_attempts: CheckoutAttemptsTable;
  reconcile_reports: ReconcileReportsTable;
  wechat_tokens: WechatTokensTable;
  wechat_users: WechatUsersTable;
  wechat_passive_replies: WechatPassiveRepliesTable;
  leases: LeasesTable;
  send_turns: SendTurnsTable;
  send_progress: SendProgressTable;
  dunning_runs: DunningRunsTable;
  dunning_reminders: DunningRemindersTable;
  dunning_escalations: DunningEscalationsTable;
  dunning_optouts: DunningOptoutsTable;
  pay_link_uses: PayLinkUsesTable;
}
