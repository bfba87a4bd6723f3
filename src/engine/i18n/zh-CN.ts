// zh-CN catalogue: the reference language. Wording follows the student payment guide (seed).
// `{name}` marks a parameter; index.ts derives the parameter names from these literals, so a
// missing or misspelt parameter is a type error.

export const zhCN = {
  // Buttons (the guide's 【】 are dropped on buttons)
  'btn.detail': '明细',
  'btn.items': '收费情况明细',
  'btn.pay': '网上缴费',
  'btn.changePassword': '修改密码',
  'btn.changeEmail': '修改邮箱',
  'btn.logout': '退出系统',
  'btn.switchLang': 'English',
  'btn.back': '返回',
  'btn.cancel': '取消',
  'btn.agree': '同意',
  'btn.agreeCountdown': '同意（{seconds}秒）',
  'btn.confirm': '确认',
  'btn.next': '下一步',
  'btn.selectAll': '全选',
  'btn.selectNone': '全不选',
  'btn.installment': '分期：{name}（{amount}）',
  'btn.tabUnpaid': '未缴清项目',
  'btn.tabHistory': '缴费历史项目',
  'btn.periodAll': '全部',
  'btn.active': '✓ {label}',
  'btn.goPay': '去支付',
  'btn.paid': '付款已成功',
  'btn.problem': '付款出现问题',
  'btn.reopenPay': '重新打开支付链接',
  'btn.closeOrder': '取消订单',
  'btn.report': '报告问题',
  'btn.receipt': '查看电子票据',
  'btn.forgotPassword': '忘记密码',
  'btn.refreshCaptcha': '换一张',
  'btn.send': '发送',

  // Conversation-wide
  'action.invalid': '无效操作',
  'action.stale': '此菜单已过期，已为您显示最新菜单',
  'action.noSuchOption': '没有第 {n} 项，请回复菜单中的序号',
  'input.unknown': '抱歉，没有理解您的输入。',
  'help.text': '可用指令：\n菜单 / menu — 返回主页\n缴费 / pay — 网上缴费\n历史 / history — 缴费历史项目\n设置 / settings — 设置\n语言 / lang — 切换语言（English）\n帮助 / help — 显示本帮助\n退出 / logout — 退出系统\n忘记密码 / forgot — 找回密码（登录前）\n没有按钮时，可回复菜单中选项的序号（如 1）。',
  'session.timeout': '会话已超时，请重新登录',
  'session.revoked': '您的密码已在其他地方修改，请重新登录',
  'session.loggedOut': '您已退出系统',
  'session.loginFirst': '请先登录',
  'language.name': '中文',
  'item.label': '{period} {name}',
  'item.unknown': '项目 #{id}',

  // Login
  'login.promptStudentId': '学生网上缴费平台\n请输入学号',
  'login.promptPassword': '学号：{studentId}\n请输入密码',
  'login.badStudentId': '学号格式不正确：请输入 4–20 位字母或数字',
  'login.invalid': '学号或密码有误',
  'login.locked': '登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试',
  'login.challenge': '登录失败次数过多，请先输入验证码',
  'captcha.prompt': '学号：{studentId}\n请输入图片中的验证码（不区分大小写）',
  'captcha.empty': '请输入图片中的验证码',
  'code.wrong': '验证码错误',

  // 忘记密码
  'forgot.promptStudentId': '忘记密码\n请输入学号以找回密码',
  'forgot.confirm': '系统将发送邮件到你的密保邮箱（{maskedEmail}），是否确认发送？',
  'forgot.confirmUnknown': '系统将发送邮件到你的密保邮箱，是否确认发送？',
  'forgot.sending': '正在发送…',
  'forgot.sent': '如果该学号设置了密保邮箱，重置密码的邮件已发送，请在30分钟内点击邮件中的链接设置新密码',
  'forgot.cancelled': '已取消重置密码',

  // Home: 学生基本信息
  'home.title': '学生基本信息',
  'home.name': '姓名：{name}',
  'home.studentId': '学号：{studentId}',
  'home.class': '学院：{college}\n专业：{major}\n班级：{className}',
  'home.arrears': '欠费总额：{amount}',
  'home.reserved': '处理中 {amount}（待支付订单）',

  // 明细: arrears per year
  'detail.title': '各年度欠费金额',
  'detail.line': '{period}：{amount}',
  'detail.total': '欠费总额：{amount}',
  'detail.none': '目前没有欠费',

  // 收费情况明细
  'items.title': '收费情况明细 · {tab}',
  'items.period': '收费期间：{period}',
  'items.unpaidLine': '{item}\n  应缴 {due} · 已缴 {paid} · 未缴 {outstanding}',
  'items.reservedSuffix': ' · 处理中 {amount}',
  'items.historyLine': '{item}\n  已缴 {paid}（应缴 {due}）',
  'items.noneUnpaid': '暂无未缴清项目',
  'items.noneHistory': '暂无缴费历史项目',

  // 网上缴费: selecting items
  'select.title': '网上缴费\n请勾选本次要缴费的项目（点击切换勾选）。',
  'select.summary': '已选 {count} 项，合计 {total}',
  'select.installmentHint': '部分项目支持分期：勾选后点击「分期」录入本次缴费的金额。',
  'select.nothingOwed': '您目前没有需要缴费的项目。',
  'select.itemOn': '✓ {item} {amount}',
  'select.itemOff': '☐ {item} {amount}',
  'select.empty': '请至少选择一项',
  'select.dropped': '「{item}」当前无需缴费，已从本次选择中移除',
  'select.adjusted': '「{item}」的本次金额已调整为 {amount}',

  // 分期
  'inst.prompt': '分期：{item}\n未缴金额：{outstanding}\n本次最少：{min}\n请输入本次分期缴费的金额（元），例如 1500 或 1500.50',
  'inst.badFormat': '金额格式不正确：请输入数字，最多两位小数',
  'inst.zero': '金额必须大于 0',
  'inst.belowMin': '本次分期金额不能少于 {min}',
  'inst.aboveOutstanding': '本次分期金额不能超过未缴金额 {outstanding}',

  // 协议
  'agreement.countdown': '请认真阅读以上协议，{seconds} 秒后方可点击「同意」。',
  'agreement.ready': '阅读完毕后点击「同意」进入下一步；点击「取消」中止本次缴费。',
  'agreement.wait': '请先阅读协议，{seconds} 秒后可点击同意',
  'pay.aborted': '已中止本次缴费操作',

  // 确认
  'confirm.title': '请再次确认本次缴费项目、金额：',
  'confirm.line': '• {item} {amount}',
  'confirm.lineInstallment': '• {item} {amount}（分期，未缴 {outstanding}）',
  'confirm.total': '合计：{total}',
  'confirm.hint': '确认无误后点击「确认」；点击「返回」中止本次缴费。',

  // Orders
  'order.creating': '正在创建订单…',
  'order.title': '订单已创建，请前往“E缴通”公共缴费平台支付',
  'order.id': '订单号：{orderId}',
  'order.line': '• {item} {amount}',
  'order.total': '合计：{total}',
  'order.expiresIn': '请在 {minutes} 分钟内完成支付，超时订单将自动关闭。',
  'order.expiringNow': '订单即将超时，请尽快完成支付。',
  'order.payHint': '点击「去支付」或扫描二维码支付；支付完成后点击「付款已成功」。',
  'order.createdElsewhere': '订单 {orderId} 已创建（合计 {total}），可点击「去支付」完成支付',
  'order.failedExceeds': '所选金额超过当前未缴金额（可能已有订单在处理中），请重新选择',
  'order.failedGateway': '支付平台暂时不可用，请稍后再试',
  'order.querying': '正在查询支付结果…',
  'order.statusPaid': '已收到付款，电子票据开具中',
  'order.statusPending': '尚未收到付款。如已完成支付，请稍候再点击「付款已成功」',
  'order.statusFailed': '支付未成功，订单已关闭（订单号 {orderId}）',
  'order.statusClosed': '订单已关闭（订单号 {orderId}）',
  'order.expired': '订单已超时关闭（订单号 {orderId}）',
  'order.problemText': '付款出现问题？订单号：{orderId}\n• 支付页面没有打开或被关闭：点击「重新打开支付链接」\n• 不再需要本次缴费：点击「取消订单」\n• 已扣款但未显示成功等其他问题：点击「报告问题」，财务老师会尽快处理',
  'order.closing': '正在取消订单…',
  'order.closed': '订单已取消',
  'report.prompt': '请描述您遇到的问题（例如已扣款但未显示缴费成功），订单号：{orderId}',
  'report.empty': '问题描述不能为空',
  'report.tooLong': '问题描述不能超过 {max} 字',
  'report.sending': '正在提交问题…',
  'report.done': '问题已提交（编号 #{reportId}），财务老师会尽快处理',

  // Receipt (proactive)
  'receipt.title': '缴费成功',
  'receipt.orderId': '订单号：{orderId}',
  'receipt.total': '金额：{total}',
  'receipt.no': '电子票据号：{receiptNo}',

  // 修改密码
  'password.promptOld': '修改密码\n请输入旧密码',
  'password.promptNew': '请输入新密码（至少 8 位）',
  'password.promptConfirm': '请再次输入新密码（确认密码）',
  'password.forced': '您正在使用初始密码，请先修改密码',
  'password.empty': '密码不能为空',
  'password.wrongOld': '旧密码不正确',
  'password.tooShort': '新密码至少8位',
  'password.sameAsStudentId': '新密码不能与学号相同',
  'password.sameAsInitial': '新密码不能与初始密码相同',
  'password.sameAsCurrent': '新密码不能与当前密码相同',
  'password.mismatch': '新密码与确认密码要求一致',
  'password.failed': '密码修改失败，请重试',
  'password.changed': '密码修改成功',

  // 修改邮箱
  'email.prompt': '修改邮箱\n当前密保邮箱：{current}\n请输入新的密保邮箱（忘记密码时用于重置密码）',
  'email.none': '未设置',
  'email.invalid': '邮箱格式不正确，请重新输入',
  'email.failed': '邮箱更新失败，请稍后再试',
  'email.sameAsCurrent': '新邮箱与当前邮箱相同',
  'email.rateLimited': '发送过于频繁，请稍后再试',
  'email.codePrompt': '验证码已发送到 {maskedEmail}，请输入邮件中的6位验证码（30分钟内有效）',
  'email.codeFormat': '请输入6位数字验证码',
  'email.codeExpired': '验证码已过期，请重新修改邮箱',
  'email.codeNone': '没有待确认的邮箱修改，请重新修改邮箱',
  'email.codeTooMany': '验证码错误次数过多，请重新修改邮箱',
  'email.confirmed': '密保邮箱已更新为 {email}',

  // 设置
  'settings.text': '设置\n语言：{language}\n密保邮箱：{email}',
} as const;
