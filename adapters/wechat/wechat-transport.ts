import QRCode from 'qrcode';
import type { Db } from '../../src/db/database.js';
import { findWechatLastInbound, savePassiveReply } from '../../src/db/repositories/wechat.repository.js';
import type { ImageSpec, NoticeFacts, View } from '../../src/engine/views.js';
import { ChannelError, NotDeliveredError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ChannelTransport, Delivery, DeliveryResult } from '../../src/ports/channel.port.js';
import { WechatApiError, type WechatApi } from './wechat-api.js';
import { loadChatView } from './wechat-chat.js';
import type { WechatConfig } from './wechat-config.js';
import type { PassiveBroker } from './wechat-passive.js';
import { renderWechatView, type WechatOutMessage } from './wechat-render.js';
import { templateData } from './wechat-template.js';

/** Outside the 48-hour window (45015) or over the replies allowed per message (45047). */
const WINDOW_ERRORS = new Set([45015, 45047]);
/** The follower unsubscribed (43004) or the openid is not ours (40003): the chat is gone. */
const GONE_ERRORS = new Set([43004, 40003]);
const MAX_PROGRESS = 10_000;

export interface WechatTransportDeps {
  db: Db;
  api: WechatApi;
  broker: PassiveBroker;
  config: WechatConfig;
  /** A fresh binding-page link for a chat that is not logged in. */
  bindUrl: (openid: string, now: number) => string;
  webUrl: string;
  /**
   * A notice WeChat refused (window closed, no template or template refused) goes to another chat
   * of the student; false when they have none (the notice is then logged as undeliverable).
   */
  otherChannel: (studentId: string, text: string) => Promise<boolean>;
  clock: () => number;
  logger: Logger;
}

/**
 * Sends views to followers: into the open passive reply when one is waiting (see
 * wechat-passive.ts), else through the customer-service API inside the 48-hour window, else (for
 * proactive notices) as a template message, else through the student's next channel.
 */
export function createWechatTransport(deps: WechatTransportDeps): ChannelTransport {
  const { db, api, config, clock, logger } = deps;
  // Parts of a multi-part delivery already sent, per outbox key, so a retry resumes after them.
  const progress = new Map<string, number>();

  async function imagePng(image: ImageSpec): Promise<Buffer> {
    return image.kind === 'qr' ? QRCode.toBuffer(image.payload, { type: 'png', margin: 2, width: 360 }) : Buffer.from(image.base64, 'base64');
  }

  async function sendParts(openid: string, messages: WechatOutMessage[], key: string | undefined): Promise<void> {
    for (let i = key ? (progress.get(key) ?? 0) : 0; i < messages.length; i++) {
      const message = messages[i] as WechatOutMessage;
      if (message.type === 'text') await api.sendCustom(openid, message);
      else await api.sendCustom(openid, { type: 'image', mediaId: await api.uploadImage(await imagePng(message.image), `feebot-${i}.png`) });
      if (key) {
        progress.set(key, i + 1);
        if (progress.size > MAX_PROGRESS) progress.delete(progress.keys().next().value as string);
      }
    }
    if (key) progress.delete(key);
  }

  /** The customer-service API is closed to this follower: a notice still gets through another way. */
  async function outsideWindow(openid: string, view: View, studentId: string | null, lang: 'zh-CN' | 'en', priority: Delivery['priority']): Promise<void> {
    const notice = view.notice;
    if (notice?.kind === 'dunning.reminder') {
      // A reminder goes as its template (WECHAT_REMINDER_TEMPLATE_ID) or not at all: the reminder
      // sender counts it as not delivered and the student's other channels carry theirs.
      if (await sendTemplate(openid, notice, studentId, lang)) return;
      throw new NotDeliveredError('outside the WeChat customer-service window');
    }
    if (!notice) {
      // A reminder must not count as sent when nobody saw it; a reply to someone gone is just dropped.
      if (priority === 'bulk') throw new NotDeliveredError('outside the WeChat customer-service window');
      logger.info({ channel: 'wechat' }, 'wechat message not sent: outside the customer-service window');
      return;
    }
    if (await sendTemplate(openid, notice, studentId, lang)) return;
    const text = [view.text, ...view.buttons.flat().flatMap((b) => ('url' in b ? [`${b.label}: ${b.url}`] : []))].join('\n');
    if (studentId && (await deps.otherChannel(studentId, text))) {
      logger.info({ channel: 'wechat', notice: notice.kind }, 'wechat notice sent through the student’s other channel');
      return;
    }
    logger.warn({ channel: 'wechat', notice: notice.kind, ...('orderId' in notice ? { orderId: notice.orderId } : {}) }, 'wechat notice undeliverable: outside the window, no template, no other channel');
  }

  async function sendTemplate(openid: string, notice: NoticeFacts, studentId: string | null, lang: 'zh-CN' | 'en'): Promise<boolean> {
    const template = notice.kind === 'payment.confirmed' ? config.templates.paymentConfirmed : notice.kind === 'order.expired' ? config.templates.orderExpired : config.templates.reminder;
    if (!template) return false;
    const url = notice.kind === 'payment.confirmed' ? notice.receiptUrl : notice.kind === 'dunning.reminder' ? notice.payUrl : null;
    try {
      await api.sendTemplate(openid, {
        templateId: template.templateId,
        data: templateData(template, notice, { studentId, lang, now: clock(), timezone: config.timezone }),
        ...(url ? { url } : {}),
        // One template per notice: WeChat drops a repeat of the same openid + client_msg_id.
        clientMsgId: `${notice.kind}:${notice.kind === 'dunning.reminder' ? notice.ref : notice.orderId}`.slice(0, 64),
      });
      return true;
    } catch (error) {
      if (!(error instanceof WechatApiError)) throw error;
      logger.warn({ channel: 'wechat', errcode: error.errcode, notice: notice.kind }, 'wechat template message refused');
      return false;
    }
  }

  return {
    async deliver(delivery: Delivery): Promise<DeliveryResult> {
      const openid = delivery.chatId;
      const now = clock();
      const chat = await loadChatView(db, openid);
      const messages = renderWechatView(delivery.view, {
        lang: chat.lang,
        bindUrl: chat.studentId ? null : deps.bindUrl(openid, now),
        bindMinutes: Math.round(config.bindTtlMs / 60_000),
        webUrl: deps.webUrl,
      });
      const text = messages.every((m) => m.type === 'text') ? messages.map((m) => (m.type === 'text' ? m.content : '')).join('\n') : null;
      const taken = await deps.broker.offer(openid, text, (replyKey, reply) => savePassiveReply(db, replyKey, openid, reply, now));
      if (taken) return {};

      const last = await findWechatLastInbound(db, openid);
      if (last === null || now - last > config.serviceWindowMs) {
        await outsideWindow(openid, delivery.view, chat.studentId, chat.lang, delivery.priority);
        return {};
      }
      try {
        await sendParts(openid, messages, delivery.key);
      } catch (error) {
        if (error instanceof WechatApiError && WINDOW_ERRORS.has(error.errcode)) {
          if (delivery.key) progress.delete(delivery.key);
          await outsideWindow(openid, delivery.view, chat.studentId, chat.lang, delivery.priority);
          return {};
        }
        if (error instanceof WechatApiError && GONE_ERRORS.has(error.errcode)) throw new ChannelError(error.message, undefined, true);
        throw new ChannelError(error instanceof Error ? error.message : String(error));
      }
      return {};
    },
    // WeChat cannot delete a follower's message; passwords are never asked for in WeChat anyway.
    async deleteMessage() {},
  };
}
