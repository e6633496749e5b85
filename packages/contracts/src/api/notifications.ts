/** Response schemas of the notifications module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { paging } from './common.js';
import { defineErrorCatalogue } from './errors.js';

export const MessageView = z.object({
  id: z.string(),
  template: z.string(),
  category: z.string(),
  title: z.object({ zh: z.string(), en: z.string() }),
  body: z.object({ zh: z.string(), en: z.string() }),
  link: z.string().nullable(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type MessageView = z.infer<typeof MessageView>;

export const MessagesListResponse = z.object({
  items: z.array(MessageView),
  total: z.number(),
  unread: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type MessagesListResponse = z.infer<typeof MessagesListResponse>;

export const MessagesUnreadCountListResponse = z.object({ unread: z.number() });
export type MessagesUnreadCountListResponse = z.infer<typeof MessagesUnreadCountListResponse>;

export const MessagesReadAllPostResponse = z.object({ updated: z.number() });
export type MessagesReadAllPostResponse = z.infer<typeof MessagesReadAllPostResponse>;

export const AdminSmsMessagesListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      phoneMasked: z.string(),
      template: z.string(),
      content: z.string(),
      createdAt: z.string(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminSmsMessagesListResponse = z.infer<typeof AdminSmsMessagesListResponse>;

export const AdminCareMessagesPostResponse = z.object({ recipients: z.number() });
export type AdminCareMessagesPostResponse = z.infer<typeof AdminCareMessagesPostResponse>;

export const AdminNotificationDeliveriesListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      messageId: z.string(),
      accountId: z.string(),
      channel: z.enum(['sms', 'wechat', 'alipay']),
      template: z.string(),
      state: z.enum(['pending', 'sent', 'failed', 'skipped']),
      attempts: z.number(),
      nextAttemptAt: z.string().nullable(),
      lastError: z.string().nullable(),
      providerMessageId: z.string().nullable(),
      createdAt: z.string(),
      sentAt: z.string().nullable(),
    }),
  ),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminNotificationDeliveriesListResponse = z.infer<typeof AdminNotificationDeliveriesListResponse>;

export const AdminNotificationDeliveriesRetryPostResponse = z.object({
  id: z.string(),
  state: z.enum(['pending', 'sent', 'failed', 'skipped']),
});
export type AdminNotificationDeliveriesRetryPostResponse = z.infer<
  typeof AdminNotificationDeliveriesRetryPostResponse
>;

/** The notifications module's error codes with their messages. */
export const notificationErrors = defineErrorCatalogue({
  MESSAGE_NOT_FOUND: { status: 404, zh: '消息不存在', en: 'Message not found' },
  DELIVERY_NOT_FOUND: { status: 404, zh: '推送记录不存在', en: 'Delivery not found' },
  DELIVERY_NOT_FAILED: {
    status: 409,
    zh: '只有发送失败的记录可以重发',
    en: 'Only a failed delivery can be retried',
  },
});

// ---- requests ----

export const NotificationMessagesQuery = z
  .object({
    ...paging(),
    unread: z.enum(['true', 'false']).optional(),
    category: z.string().max(40).optional(),
  })
  .strict();

export const NotificationMessagesReadPostParams = z.object({ id: z.string().uuid() });

export const NotificationAdminSmsMessagesQuery = z
  .object({
    ...paging(),
    phone: z.string().max(20).optional(),
    template: z.string().max(80).optional(),
  })
  .strict();

export const NotificationAdminCareMessagesPostBody = z
  .object({
    title: z.object({ zh: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(120) }).strict(),
    body: z
      .object({ zh: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(1000) })
      .strict(),
    channels: z
      .array(z.enum(['inapp', 'wechat', 'alipay', 'sms']))
      .max(4)
      .default(['inapp', 'wechat', 'alipay']),
    accountIds: z.array(z.string().uuid()).min(1).max(5000).optional(),
  })
  .strict();

export const NotificationAdminNotificationDeliveriesQuery = z
  .object({
    ...paging(),
    state: z.enum(['pending', 'sent', 'failed', 'skipped']).optional(),
    channel: z.enum(['sms', 'wechat', 'alipay']).optional(),
    accountId: z.string().uuid().optional(),
    template: z.string().max(80).optional(),
  })
  .strict();

export const NotificationAdminNotificationDeliveriesRetryPostParams = z.object({ id: z.string().uuid() });
