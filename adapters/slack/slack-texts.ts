// What the Slack app says to the finance office (zh-CN: the office works in Chinese).

export const SLACK_TEXTS = {
  notStaff: '抱歉，您不在财务处人员名单中，无法使用本应用。如需开通，请联系管理员（feebot import staff）。',
  viewerCannotAct: '您的角色为“查看者”（viewer），只能查看，不能执行此操作。',
  otherCollege: (college: string) => `您只能处理${college}的学生。`,
  noSuchStudent: (id: string) => `未找到学号为 ${id} 的学生。`,
  usage: [
    '*/fees 用法*',
    '`/fees student 学号` — 学生详情',
    '`/fees arrears [收费期间] [学院] [班级]` — 欠费统计（附 CSV）',
    '`/fees payments [YYYY-MM-DD]` — 当日对账（附 CSV）',
    '`/fees remind 学号` — 发送催缴提醒',
    '`/fees announce` — 发布新闻公告',
  ].join('\n'),
  working: '正在生成，请稍候…',
  ticketGone: '该问题单不存在或已解决。',
  creditGone: '该款项不存在或已处理。',
  refundFailed: '支付渠道拒绝了这笔退款，款项仍为待处理。可改用抵扣，或联系支付渠道后再试。',
  deferralGone: '该缓缴申请不存在或已处理。',
  reasonRequired: '请填写驳回原因。',
  nothingToRemind: (id: string) => `学生 ${id} 目前没有需要提醒的欠费（可能已缴清或已缓缴）。`,
  badDate: '日期格式应为 YYYY-MM-DD。',
  noteRequired: '请填写备注。',
  replyRequired: '请填写回复内容。',
  reminderSent: (id: string, n: number) => `已向 ${id} 发送提醒（${n} 个渠道）。`,
  noReach: (id: string) => `学生 ${id} 目前没有可送达的聊天渠道（未在任何渠道登录）。`,
  reminder: (name: string, total: string) => `【缴费提醒】${name}同学，您目前仍有 ${total} 费用未缴清。请登录后点击“网上缴费”完成缴费，如有困难请联系财务处。`,
} as const;
