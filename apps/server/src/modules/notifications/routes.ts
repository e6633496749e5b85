import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import type { Module } from '../index.js';
import { normalisePhone, piiCipher } from '../../platform/pii.js';
import {
  DELIVER_JOB,
  deliverDueNotifications,
  listDeliveries,
  listMessages,
  listSmsMessages,
  markAllMessagesRead,
  markMessageRead,
  retryFailedDelivery,
  sendCareMessage,
  unreadCount,
} from './service.js';
import {
  AdminCareMessagesPostResponse,
  AdminNotificationDeliveriesListResponse,
  AdminNotificationDeliveriesRetryPostResponse,
  AdminSmsMessagesListResponse,
  MessageView,
  MessagesListResponse,
  MessagesReadAllPostResponse,
  MessagesUnreadCountListResponse,
  NotificationAdminCareMessagesPostBody,
  NotificationAdminNotificationDeliveriesQuery,
  NotificationAdminNotificationDeliveriesRetryPostParams,
  NotificationAdminSmsMessagesQuery,
  NotificationMessagesQuery,
  NotificationMessagesReadPostParams,
} from '@qingnang/contracts';

export const notificationsModule: Module = {
  name: 'notifications',
  async register(scope: FastifyInstance, ctx: AppContext) {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const patient = requirePatient(ctx);
    const tags = { tags: ['notifications'], security: [{ bearer: [] }] };

    // Deliveries are sent by this job: nudged by notify(), and swept every minute for retries.
    ctx.jobs.register(
      DELIVER_JOB,
      async () => {
        await deliverDueNotifications(ctx);
      },
      { cron: '* * * * *', retryLimit: 0 },
    );

    // ---- message centre ----
    app.get(
      '/v1/messages',
      {
        schema: {
          ...tags,
          summary: 'Message centre: newest first',
          querystring: NotificationMessagesQuery,
          response: { 200: MessagesListResponse },
        },
        preHandler: patient,
      },
      async (req) =>
        listMessages(ctx, principalOf(req).id, {
          page: req.query.page,
          pageSize: req.query.pageSize,
          unreadOnly: req.query.unread === 'true',
          category: req.query.category,
        }),
    );
    app.get(
      '/v1/messages/unread-count',
      {
        schema: {
          ...tags,
          summary: 'Number of unread messages',
          response: { 200: MessagesUnreadCountListResponse },
        },
        preHandler: patient,
      },
      async (req) => ({ unread: await unreadCount(ctx, principalOf(req).id) }),
    );
    app.post(
      '/v1/messages/read-all',
      {
        schema: {
          ...tags,
          summary: 'Mark every message read',
          response: { 200: MessagesReadAllPostResponse },
        },
        preHandler: patient,
      },
      async (req) => markAllMessagesRead(ctx, principalOf(req).id),
    );
    app.post(
      '/v1/messages/:id/read',
      {
        schema: {
          ...tags,
          summary: 'Mark one message read',
          params: NotificationMessagesReadPostParams,
          response: { 200: MessageView },
        },
        preHandler: patient,
      },
      async (req) => markMessageRead(ctx, principalOf(req).id, req.params.id),
    );

    // ---- staff ----
    const admin = { tags: ['admin: notifications'], security: [{ bearer: [] }] };
    app.get(
      '/v1/admin/sms-messages',
      {
        schema: {
          ...admin,
          summary: 'SMS sent by the console (sandbox) sender; phone masked',
          querystring: NotificationAdminSmsMessagesQuery,
          response: { 200: AdminSmsMessagesListResponse },
        },
        preHandler: requireStaff(ctx, 'sms.read'),
      },
      async (req) => {
        const { phone, ...rest } = req.query;
        const result = await listSmsMessages(ctx, {
          ...rest,
          phoneIdx: phone ? piiCipher(ctx.config).blindIndex(normalisePhone(phone)) : undefined,
        });
        await audit(ctx, req, {
          action: 'sms-messages.read',
          objectType: 'sms_message',
          detail: { byPhone: Boolean(phone), results: result.items.length },
        });
        return result;
      },
    );
    app.post(
      '/v1/admin/care-messages',
      {
        schema: {
          ...admin,
          summary: 'Push a care message (health news, reminders) to chosen accounts or to all (MSG-06)',
          body: NotificationAdminCareMessagesPostBody,
          response: { 200: AdminCareMessagesPostResponse },
        },
        preHandler: requireStaff(ctx, 'notifications.send'),
      },
      async (req) => {
        const result = await sendCareMessage(ctx, req.body);
        await audit(ctx, req, {
          action: 'care-messages.send',
          objectType: 'care_message',
          detail: { recipients: result.recipients, audience: req.body.accountIds ? 'accounts' : 'all' },
        });
        return result;
      },
    );
    app.get(
      '/v1/admin/notification-deliveries',
      {
        schema: {
          ...admin,
          summary: 'Delivery log of notifications to outside channels',
          querystring: NotificationAdminNotificationDeliveriesQuery,
          response: { 200: AdminNotificationDeliveriesListResponse },
        },
        preHandler: requireStaff(ctx, 'notifications.read'),
      },
      async (req) => listDeliveries(ctx, req.query),
    );
    app.post(
      '/v1/admin/notification-deliveries/:id/retry',
      {
        schema: {
          ...admin,
          summary: 'Send a failed delivery again',
          params: NotificationAdminNotificationDeliveriesRetryPostParams,
          response: { 200: AdminNotificationDeliveriesRetryPostResponse },
        },
        preHandler: requireStaff(ctx, 'notifications.send'),
      },
      async (req) => {
        const result = await retryFailedDelivery(ctx, req.params.id);
        await audit(ctx, req, {
          action: 'notification-deliveries.retry',
          objectType: 'notification_delivery',
          objectId: req.params.id,
        });
        return result;
      },
    );
  },
};
