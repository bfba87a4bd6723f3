import type { zhCN } from './zh-CN.js';

// English catalogue: the type demands every zh-CN key and rejects extra ones.
export const en: { readonly [K in keyof typeof zhCN]: string } = {
  'btn.detail': 'Details',
  'btn.items': 'Fee details',
  'btn.pay': 'Pay online',
  'btn.changePassword': 'Change password',
  'btn.changeEmail': 'Change email',
  'btn.logout': 'Log out',
  'btn.switchLang': '中文',
  'btn.back': 'Back',
  'btn.cancel': 'Cancel',
  'btn.agree': 'Agree',
  'btn.agreeCountdown': 'Agree ({seconds}s)',
  'btn.confirm': 'Confirm',
  'btn.next': 'Next',
  'btn.selectAll': 'Select all',
  'btn.selectNone': 'Select none',
  'btn.installment': 'Installment: {name} ({amount})',
  'btn.tabUnpaid': 'Unpaid items',
  'btn.tabHistory': 'Payment history',
  'btn.periodAll': 'All',
  'btn.active': '✓ {label}',
  'btn.goPay': 'Pay now',
  'btn.paid': 'I have paid',
  'btn.problem': 'Payment problem',
  'btn.reopenPay': 'Reopen payment link',
  'btn.closeOrder': 'Cancel order',
  'btn.report': 'Report a problem',
  'btn.receipt': 'View e-receipt',

  'action.invalid': 'Invalid action',
  'action.stale': 'This menu is outdated; here is the current one',
  'action.noSuchOption': 'There is no option {n}; please reply with a number from the menu',
  'input.unknown': 'Sorry, I did not understand that.',
  'help.text':
    'Commands:\n' +
    'menu / 菜单 — home\n' +
    'pay / 缴费 — pay online\n' +
    'history / 历史 — payment history\n' +
    'settings / 设置 — settings\n' +
    'lang / 语言 — switch language (中文)\n' +
    'help / 帮助 — this help\n' +
    'logout / 退出 — log out\n' +
    'Without buttons, reply with the number of a menu option (e.g. 1).',
  'session.timeout': 'Your session has timed out. Please log in again',
  'session.revoked': 'Your password was changed elsewhere. Please log in again',
  'session.loggedOut': 'You have logged out',
  'session.loginFirst': 'Please log in first',
  'language.name': 'English',
  'item.label': '{period} {name}',
  'item.unknown': 'Item #{id}',

  'login.promptStudentId': 'Student fee payment\nPlease enter your student ID',
  'login.promptPassword': 'Student ID: {studentId}\nPlease enter your password',
  'login.badStudentId': 'Invalid student ID: enter 4–20 letters or digits',
  'login.invalid': 'Wrong student ID or password',
  'login.locked': 'Too many failed attempts; the account is locked. Try again in {minutes} min',

  'home.title': 'Student information',
  'home.name': 'Name: {name}',
  'home.studentId': 'Student ID: {studentId}',
  'home.class': 'College: {college}\nMajor: {major}\nClass: {className}',
  'home.arrears': 'Total arrears: {amount}',
  'home.reserved': 'Processing {amount} (pending orders)',

  'detail.title': 'Arrears per year',
  'detail.line': '{period}: {amount}',
  'detail.total': 'Total arrears: {amount}',
  'detail.none': 'You have no arrears',

  'items.title': 'Fee details · {tab}',
  'items.period': 'Fee period: {period}',
  'items.unpaidLine': '{item}\n  due {due} · paid {paid} · outstanding {outstanding}',
  'items.reservedSuffix': ' · processing {amount}',
  'items.historyLine': '{item}\n  paid {paid} (due {due})',
  'items.noneUnpaid': 'No unpaid items',
  'items.noneHistory': 'No payment history',

  'select.title': 'Pay online\nTick the items to pay now (tap to toggle).',
  'select.summary': '{count} selected, total {total}',
  'select.installmentHint': 'Some items can be paid in installments: tick them, then tap “Installment” to enter the amount.',
  'select.nothingOwed': 'You have nothing to pay.',
  'select.itemOn': '✓ {item} {amount}',
  'select.itemOff': '☐ {item} {amount}',
  'select.empty': 'Please select at least one item',
  'select.dropped': '“{item}” no longer needs paying and was removed from your selection',
  'select.adjusted': 'The amount for “{item}” was adjusted to {amount}',

  'inst.prompt':
    'Installment: {item}\nOutstanding: {outstanding}\nMinimum this time: {min}\nEnter the amount to pay now (yuan), e.g. 1500 or 1500.50',
  'inst.badFormat': 'Invalid amount: enter a number with at most two decimals',
  'inst.zero': 'The amount must be greater than 0',
  'inst.belowMin': 'The installment must be at least {min}',
  'inst.aboveOutstanding': 'The installment cannot exceed the outstanding {outstanding}',

  'agreement.countdown': 'Please read the agreement above; “Agree” unlocks in {seconds} s.',
  'agreement.ready': 'Tap “Agree” to continue, or “Cancel” to stop this payment.',
  'agreement.wait': 'Please read the agreement first; you can agree in {seconds} s',
  'pay.aborted': 'Payment cancelled',

  'confirm.title': 'Please check the items and amounts once more:',
  'confirm.line': '• {item} {amount}',
  'confirm.lineInstallment': '• {item} {amount} (installment, outstanding {outstanding})',
  'confirm.total': 'Total: {total}',
  'confirm.hint': 'Tap “Confirm” if everything is right; “Back” stops this payment.',

  'order.creating': 'Creating your order…',
  'order.title': 'Order created. Please pay on the E-Jiaotong payment platform',
  'order.id': 'Order no.: {orderId}',
  'order.line': '• {item} {amount}',
  'order.total': 'Total: {total}',
  'order.expiresIn': 'Please pay within {minutes} min; the order closes automatically after that.',
  'order.expiringNow': 'The order is about to expire; please pay now.',
  'order.payHint': 'Tap “Pay now” or scan the QR code; after paying, tap “I have paid”.',
  'order.createdElsewhere': 'Order {orderId} was created (total {total}); tap “Pay now” to pay',
  'order.failedExceeds': 'The selected amount exceeds what is outstanding (another order may be in progress). Please select again',
  'order.failedGateway': 'The payment platform is temporarily unavailable. Please try again later',
  'order.querying': 'Checking the payment…',
  'order.statusPaid': 'Payment received; your e-receipt is being issued',
  'order.statusPending': 'No payment received yet. If you have paid, wait a moment and tap “I have paid” again',
  'order.statusFailed': 'The payment failed and the order was closed (order {orderId})',
  'order.statusClosed': 'The order was closed (order {orderId})',
  'order.expired': 'The order timed out and was closed (order {orderId})',
  'order.problemText':
    'Payment problem? Order no.: {orderId}\n' +
    '• The payment page did not open or was closed: tap “Reopen payment link”\n' +
    '• You no longer want to pay now: tap “Cancel order”\n' +
    '• Charged but not shown as paid, or anything else: tap “Report a problem” and the finance office will help',
  'order.closing': 'Cancelling the order…',
  'order.closed': 'The order was cancelled',
  'report.prompt': 'Please describe the problem (e.g. charged but not shown as paid). Order no.: {orderId}',
  'report.empty': 'The description cannot be empty',
  'report.tooLong': 'The description cannot exceed {max} characters',
  'report.sending': 'Submitting your report…',
  'report.done': 'Problem reported (no. #{reportId}); the finance office will handle it soon',

  'receipt.title': 'Payment successful',
  'receipt.orderId': 'Order no.: {orderId}',
  'receipt.total': 'Amount: {total}',
  'receipt.no': 'E-receipt no.: {receiptNo}',

  'password.promptOld': 'Change password\nPlease enter your current password',
  'password.promptNew': 'Please enter a new password (at least 8 characters)',
  'password.promptConfirm': 'Please enter the new password again',
  'password.forced': 'You are using the initial password. Please change it first',
  'password.empty': 'The password cannot be empty',
  'password.wrongOld': 'The current password is wrong',
  'password.tooShort': 'The new password must have at least 8 characters',
  'password.sameAsStudentId': 'The new password cannot be your student ID',
  'password.sameAsInitial': 'The new password cannot be the initial password',
  'password.sameAsCurrent': 'The new password must differ from the current one',
  'password.mismatch': 'The new password and the confirmation must match',
  'password.failed': 'The password could not be changed. Please try again',
  'password.changed': 'Password changed',

  'email.prompt': 'Change email\nCurrent recovery email: {current}\nEnter the new recovery email (used to reset a forgotten password)',
  'email.none': 'not set',
  'email.invalid': 'That email address is not valid. Please try again',
  'email.updated': 'Email updated',
  'email.failed': 'The email could not be updated. Please try again later',

  'settings.text': 'Settings\nLanguage: {language}\nRecovery email: {email}',
};
