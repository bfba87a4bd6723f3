import type { Generated } from 'kysely';

// Row shapes of the tables created in migrations/. Money in fen, times in epoch milliseconds.

export interface StudentsTable {
  student_id: string;
  name: string;
  college: string;
  major: string;
  class_name: string;
  recovery_email: string | null;
  phone: string | null;
  id_number: string | null;
  password_hash: string;
  must_change_password: number;
  password_changed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface FeeItemsTable {
  id: Generated<number>;
  student_id: string;
  fee_period: string;
  code: string;
  name: string;
  amount_due: number;
  amount_paid: Generated<number>;
  installment_allowed: number;
  min_installment: number;
  due_date: string | null;
  updated_at: number;
}

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'closed';

export interface OrdersTable {
  id: string;
  student_id: string;
  status: OrderStatus;
  total: number;
  gateway: string;
  channel: string;
  chat_id: string;
  pay_url: string | null;
  qr_payload: string | null;
  created_at: number;
  expires_at: number;
  settled_at: number | null;
  /** The request that created the order (idempotency); null for orders made without one. */
  request_key: string | null;
}

export interface OrderLinesTable {
  order_id: string;
  fee_item_id: number;
  amount: number;
  /** What the line put on its item when the order was paid; null until then. */
  credited: number | null;
}

/** applied: credited normally; late: order was expired/closed, still credited; mismatch/orphan: held for staff. */
export type PaymentOutcome = 'applied' | 'late' | 'mismatch' | 'orphan';

export interface PaymentsTable {
  id: Generated<number>;
  gateway: string;
  transaction_id: string;
  order_id: string;
  amount: number;
  outcome: PaymentOutcome;
  paid_at: number;
  received_at: number;
  /** 1 once the receipt / notices for this payment are in the outbox (same transaction as the credit). */
  follow_ups_queued: Generated<number>;
}

export interface CreditsTable {
  id: Generated<number>;
  student_id: string;
  payment_id: number;
  amount: number;
  reason: string;
  flagged: Generated<number>;
  created_at: number;
}

export interface ReceiptsTable {
  receipt_no: string;
  order_id: string;
  check_code: string;
  view_token: string;
  payer_name: string;
  total: number;
  issued_at: number;
  /** 票据代码; null for receipts issued before it was kept. */
  bill_code: string | null;
  /** 收款单位 when issued; null before it was kept (the current UNIVERSITY_NAME is shown). */
  payee_name: string | null;
  /** 1 when a sandbox issuer made it (no legal value); null before it was kept (the sandbox was the only issuer). */
  sandbox: number | null;
}

export interface ProblemReportsTable {
  id: Generated<number>;
  student_id: string;
  order_id: string | null;
  channel: string;
  chat_id: string;
  description: string;
  /** open → claimed → resolved. */
  status: Generated<string>;
  created_at: number;
  /** Staff name of whoever claimed / resolved it (Slack). */
  claimed_by: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  /** Replies sent to the student from Slack. */
  replies: Generated<number>;
}

export interface ConversationsTable {
  channel: string;
  chat_id: string;
  state_version: number;
  revision: number;
  state_json: string;
  student_id: string | null;
  updated_at: number;
}

export interface InboundUpdatesTable {
  channel: string;
  update_id: string;
  received_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  lane: string;
  kind: string;
  payload_json: string;
  status: Generated<'pending' | 'done' | 'dead'>;
  attempts: Generated<number>;
  run_after: number;
  last_error: string | null;
  created_at: number;
}

export interface ChannelChatsTable {
  channel: string;
  chat_id: string;
  menu_message_id: string | null;
  /** 1: a message or a typed answer sits below the menu message; the next menu is sent anew. */
  menu_detached: Generated<number>;
  /** The progress notice (正在发送…) shown last, which its outcome replaces. */
  progress_message_id: string | null;
  active: Generated<number>;
  updated_at: number;
}

export interface WebMessagesTable {
  id: Generated<number>;
  chat_id: string;
  message_key: string;
  payload_json: string;
  created_at: number;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  student_id: string;
  channel: string;
  chat_id: string;
  at: number;
  /** The request's source (`ip:…`, `telegram:…`); null for older rows and sourceless requests. */
  source: string | null;
  /** 1 while the password is still being checked: an attempt in flight counts as a failure. */
  pending: Generated<number>;
}

export interface InitialPasswordLoginsTable {
  id: Generated<number>;
  source: string;
  student_id: string;
  at: number;
}

/** A first login with a fixed initial password, waiting for proof of identity in this chat. */
export interface LoginProofsTable {
  channel: string;
  chat_id: string;
  student_id: string;
  method: 'idNumber' | 'emailCode';
  /** The mailed code's hash (emailCode only). */
  code_hash: string | null;
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
}

export interface LockoutsTable {
  student_id: string;
  locked_until: number;
  level: number;
  updated_at: number;
}

export interface StagedPasswordsTable {
  student_id: string;
  password_hash: string;
  created_at: number;
}

export interface SandboxOrdersTable {
  order_id: string;
  amount: number;
  subject: string;
  student_id: string;
  payer_name: string;
  status: 'pending' | 'paid' | 'failed' | 'closed';
  transaction_id: string | null;
  phone: string | null;
  sms_code: string | null;
  method: string | null;
  notify_url: string;
  created_at: number;
  expires_at: number;
  paid_at: number | null;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  student_id: string;
  /** SHA-256 (hex) of the link token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  voided_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  student_id: string | null;
  event: string;
  channel: string;
  chat_id: string;
  /** Short, non-secret text. */
  detail: string | null;
  at: number;
}

export interface EmailChangesTable {
  student_id: string;
  new_email: string;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

export interface CaptchaChallengesTable {
  channel: string;
  chat_id: string;
  answer_hash: string;
  created_at: number;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type StaffRole = 'viewer' | 'officer' | 'admin';

export interface StaffTable {
  /** Lower-cased. */
  email: string;
  name: string;
  role: StaffRole;
  /** Set: this person sees and acts on students of this college only. */
  college: string | null;
  /** Remembered on first use (matched by e-mail). */
  slack_user_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StaffAuditTable {
  id: Generated<number>;
  staff_email: string;
  slack_user_id: string;
  action: string;
  student_id: string | null;
  /** What was acted on: `ticket:3`, `credit:7`, … */
  subject: string | null;
  detail: string | null;
  at: number;
}

export interface SlackCardsTable {
  /** `ticket:3`, `credit:7`, `deferral:2`. */
  subject: string;
  channel_id: string;
  ts: string;
  updated_at: number;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface RefundsTable {
  /** Our refund number (WeChat Pay out_refund_no, Alipay out_request_no), derived from the credit. */
  refund_no: string;
  credit_id: number;
  attempt: number;
  gateway: string;
  order_id: string;
  transaction_id: string;
  amount: number;
  /** The whole payment the refund is taken from (WeChat Pay wants it with every refund). */
  payment_total: number;
  status: RefundStatus;
  gateway_refund_id: string | null;
  created_at: number;
  settled_at: number | null;
}

export interface CreditResolutionsTable {
  id: Generated<number>;
  credit_id: number;
  kind: 'offset' | 'refund';
  amount: number;
  fee_item_id: number | null;
  refund_no: string | null;
  note: string;
  actor: string;
  created_at: number;
}

export interface SandboxRefundsTable {
  refund_no: string;
  order_id: string;
  amount: number;
  status: 'succeeded';
  created_at: number;
}

export interface CheckoutOrdersTable {
  order_id: string;
  amount: number;
  subject: string;
  student_id: string;
  payer_name: string;
  expires_at: number;
  created_at: number;
}

export interface CheckoutAttemptsTable {
  order_id: string;
  gateway: string;
  method: string;
  created_at: number;
}

export interface ReconcileReportsTable {
  /** Beijing date, YYYY-MM-DD. */
  date: string;
  report_json: string;
  differences: number;
  created_at: number;
}

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

export type DeferralStatus = 'pending' | 'approved' | 'rejected';

export interface DeferralsTable {
  id: Generated<number>;
  student_id: string;
  /** JSON array of fee item ids. */
  item_ids: string;
  /** `YYYY-MM-DD` the items are deferred to. */
  until_date: string;
  reason: string;
  status: Generated<DeferralStatus>;
  /** The chat the student asked from: the decision is sent there. */
  channel: string;
  chat_id: string;
  decided_by: string | null;
  decision_note: string | null;
  created_at: number;
  decided_at: number | null;
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

export interface AnnouncementsTable {
  id: Generated<number>;
  title: string;
  body: string;
  /** `zh-CN`, `en`, or `all` (shown whatever the student's language). */
  lang: string;
  /** `all`, `college` (students of `college`), `arrears` (students who owe something). */
  audience: 'all' | 'college' | 'arrears';
  college: string | null;
  /** Last day shown, `YYYY-MM-DD`. */
  show_until: string;
  created_by: string;
  created_at: number;
}

export type DunningRunStatus = 'planning' | 'sending' | 'done';

/** One dunning run; `fire_key` (cron task + fire time, or a manual run's id) makes a doubled fire one run. */
export interface DunningRunsTable {
  id: Generated<number>;
  fire_key: string;
  /** The local date (TIMEZONE) the run plans for, `YYYY-MM-DD`. */
  run_date: string;
  status: DunningRunStatus;
  /** Skips decided while planning: reason → count (JSON). */
  plan_skips_json: Generated<string>;
  /** The final summary (JSON, see DunningSummary) once every reminder is settled. */
  summary_json: string | null;
  started_at: number;
  planned_at: number | null;
  finished_at: number | null;
}

export type DunningReminderStatus = 'planned' | 'sent' | 'skipped' | 'failed';

export interface DunningRemindersTable {
  id: Generated<number>;
  /** student | itemId@step,… — one reminder per student, item set and policy step, ever. */
  reminder_key: string;
  run_id: number;
  student_id: string;
  run_date: string;
  /** JSON `[[itemId, stepOffsetDays], …]`. */
  item_steps: string;
  /** Comma-separated channels it was handed to (`telegram,web`, `email`). */
  channels: string;
  total: number;
  final_notice: Generated<number>;
  status: Generated<DunningReminderStatus>;
  skip_reason: string | null;
  sent_at: number | null;
}

/** A student handed to the finance office after K unanswered reminders (once). */
export interface DunningEscalationsTable {
  student_id: string;
  run_id: number;
  reminders: number;
  total: number;
  college: string;
  created_at: number;
}

export interface DunningOptoutsTable {
  student_id: string;
  /** `telegram`, `web`, `wechat`, `email`, or `all`. */
  channel: string;
  opted_out: number;
  updated_at: number;
}

export interface PayLinkUsesTable {
  /** The signed link's MAC: one row per link opened. */
  link_key: string;
  student_id: string;
  used_at: number;
}

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
