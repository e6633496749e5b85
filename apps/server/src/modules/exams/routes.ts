import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient, requireStaff } from '../../platform/auth.js';
import { calendarDate, paging, text } from '../../platform/zod.js';
import type { Module } from '../index.js';
import { registerIntegrationApi } from '../gateway/index.js';
import { BOOKING_STATES } from './schema.js';
import {
  adminCancelBooking,
  adminGetPackage,
  adminListBookings,
  adminListPackages,
  bookExam,
  cancelByPatient,
  createPackage,
  examRecords,
  getAuthorisation,
  getBooking,
  getBookingReport,
  getPackage,
  listBookings,
  listCapacity,
  listPackages,
  packageDates,
  pushBookingStatus,
  rescheduleBooking,
  setAuthorisation,
  setCapacity,
  updatePackage,
} from './service.js';
import {
  AdminExamBookingsCancelPostResponse,
  AdminExamBookingsListResponse,
  AdminExamPackagesCapacityListResponse,
  AdminExamPackagesCapacityPutResponse,
  AdminExamPackagesGetResponse,
  AdminExamPackagesListResponse,
  AdminExamPackagesPostResponse,
  AdminExamPackagesPutResponse,
  ExamBookingsCancelPostResponse,
  ExamBookingsGetResponse,
  ExamBookingsListResponse,
  ExamBookingsPostResponse,
  ExamBookingsReportListResponse,
  ExamBookingsReschedulePostResponse,
  ExamPackagesDatesListResponse,
  ExamPackagesGetResponse,
  ExamPackagesListResponse,
  ExamsAuthorisationListResponse,
  ExamsAuthorisationPutResponse,
  ExamsRecordsListResponse,
  IntegrationV1ExamBookingsStatusPostResponse,
} from '@qingnang/contracts';

const optionalText = (max: number) => text(max).nullish();
const id = z.string().uuid();
const isoDate = calendarDate;
const idempotencyKey = z.string().regex(/^[\w.:-]{8,100}$/, '8-100 of letters, digits and _ . : -');
const stateEnum = z.enum(BOOKING_STATES);
const Params = z.object({ id }).strict();
const age = z.number().int().min(0).max(150);

const PackageFields = z
  .object({
    name: text(60),
    description: z.string().trim().max(2000).optional(),
    priceFen: z.number().int().positive().max(100_000_000),
    gender: z.enum(['any', 'male', 'female']).default('any'),
    minAge: age.nullish(),
    maxAge: age.nullish(),
    notes: optionalText(1000),
    state: z.enum(['active', 'inactive']).default('active'),
    sort: z.number().int().min(0).max(10_000).default(0),
    items: z
      .array(
        z
          .object({
            name: text(60),
            category: text(30),
            meaning: optionalText(500),
            notes: optionalText(300),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();
const PackageCreate = PackageFields.extend({
  code: z.string().regex(/^[A-Za-z0-9_-]{2,32}$/, '2-32 letters, digits, _ or -'),
}).strict();

const CapacityBody = z
  .object({
    from: isoDate,
    to: isoDate,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    capacity: z.number().int().min(0).max(10_000).optional(),
    closed: z.boolean().optional(),
  })
  .strict();

const StatusPush = z
  .object({
    status: z.enum(['checked_in', 'completed']),
    at: z.string().datetime({ offset: true }),
    reportNo: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'letters, digits and _ . : -')
      .optional(),
  })
  .strict();

/** The exams module's routes (patient, console and the exam system's signed pushes); module.ts registers them. */
export const examsRoutes: Pick<Module, 'register'> = {
  async register(fastify: FastifyInstance, ctx: AppContext) {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['exams'];
    const adminTags = ['exams (console)'];
    const patient = requirePatient(ctx);
    const operator = requireStaff(ctx, 'exams.manage');

    // ------------------------------------------------------------ exam system pushes (signed)
    await app.register(async (child) =>
      registerIntegrationApi(child, ctx, (scope, c, channelOf) => {
        const r = scope.withTypeProvider<ZodTypeProvider>();
        r.post(
          '/integration/v1/exam/bookings/:bookingNo/status',
          {
            config: { integrationOperation: 'exam.bookings.push' },
            schema: {
              tags: ['integration'],
              summary: '体检系统推送预约状态：到检、完成（附体检报告号）（签名调用）',
              params: z.object({ bookingNo: z.string().regex(/^[\w-]{1,40}$/) }).strict(),
              body: StatusPush,
              response: { 200: IntegrationV1ExamBookingsStatusPostResponse },
            },
          },
          async (req) => {
            channelOf(req);
            return pushBookingStatus(c, req.params.bookingNo, req.body);
          },
        );
      }),
    );

    // ------------------------------------------------------------ public
    app.get(
      '/v1/exam-packages',
      {
        schema: {
          tags,
          summary: '体检套餐列表（可按性别、年龄筛选适用套餐）',
          querystring: z
            .object({
              gender: z.enum(['male', 'female']).optional(),
              age: z.coerce.number().int().min(0).max(150).optional(),
            })
            .strict(),
          response: { 200: ExamPackagesListResponse },
        },
      },
      async (req) => listPackages(ctx, req.query),
    );
    app.get(
      '/v1/exam-packages/:id',
      {
        schema: {
          tags,
          summary: '体检套餐详情与检查项目',
          params: Params,
          response: { 200: ExamPackagesGetResponse },
        },
      },
      async (req) => getPackage(ctx, req.params.id),
    );
    app.get(
      '/v1/exam-packages/:id/dates',
      {
        schema: {
          tags,
          summary: '可预约日期与剩余名额',
          params: Params,
          response: { 200: ExamPackagesDatesListResponse },
        },
      },
      async (req) => packageDates(ctx, req.params.id),
    );

    // ------------------------------------------------------------ patients
    app.get(
      '/v1/exams/authorisation',
      {
        schema: {
          tags,
          summary: '体检信息交换授权状态（EXAM-01）',
          querystring: z.object({ patientId: id }).strict(),
          response: { 200: ExamsAuthorisationListResponse },
        },
        preHandler: patient,
      },
      async (req) => getAuthorisation(ctx, principalOf(req).id, req.query.patientId),
    );
    app.put(
      '/v1/exams/authorisation',
      {
        schema: {
          tags,
          summary: '授权（或撤回）与体检系统交换就诊人信息（EXAM-01）',
          body: z.object({ patientId: id, authorised: z.boolean() }).strict(),
          response: { 200: ExamsAuthorisationPutResponse },
        },
        preHandler: patient,
      },
      async (req) => setAuthorisation(ctx, req, principalOf(req).id, req.body),
    );
    app.get(
      '/v1/exams/records',
      {
        schema: {
          tags,
          summary: '体检系统中的体检信息（EXAM-02，需先授权）',
          querystring: z.object({ patientId: id }).strict(),
          response: { 200: ExamsRecordsListResponse },
        },
        preHandler: patient,
      },
      async (req) => examRecords(ctx, principalOf(req).id, req.query.patientId),
    );
    app.post(
      '/v1/exam-bookings',
      {
        schema: {
          tags,
          summary: '预约体检套餐：锁定名额至支付截止，返回待支付订单',
          body: z.object({ patientId: id, packageId: id, examDate: isoDate, idempotencyKey }).strict(),
          response: { 201: ExamBookingsPostResponse },
        },
        preHandler: patient,
      },
      async (req, reply) => reply.status(201).send(await bookExam(ctx, principalOf(req).id, req.body)),
    );
    app.get(
      '/v1/exam-bookings',
      {
        schema: {
          tags,
          summary: '我的体检预约',
          querystring: z.object({ patientId: id.optional(), state: stateEnum.optional() }).strict(),
          response: { 200: ExamBookingsListResponse },
        },
        preHandler: patient,
      },
      async (req) => listBookings(ctx, principalOf(req).id, req.query),
    );
    app.get(
      '/v1/exam-bookings/:id',
      {
        schema: {
          tags,
          summary: '体检预约详情（含支付订单与报告）',
          params: Params,
          response: { 200: ExamBookingsGetResponse },
        },
        preHandler: patient,
      },
      async (req) => getBooking(ctx, principalOf(req).id, req.params.id),
    );
    app.post(
      '/v1/exam-bookings/:id/reschedule',
      {
        schema: {
          tags,
          summary: '更改体检日期（EXAM-06）',
          params: Params,
          body: z.object({ examDate: isoDate }).strict(),
          response: { 200: ExamBookingsReschedulePostResponse },
        },
        preHandler: patient,
      },
      async (req) => rescheduleBooking(ctx, principalOf(req).id, req.params.id, req.body.examDate),
    );
    app.post(
      '/v1/exam-bookings/:id/cancel',
      {
        schema: {
          tags,
          summary: '取消体检预约（已付款的原路退款）',
          params: Params,
          body: z
            .object({ reason: z.string().trim().max(200).optional() })
            .strict()
            .nullish(),
          response: { 200: ExamBookingsCancelPostResponse },
        },
        preHandler: patient,
      },
      async (req) => cancelByPatient(ctx, principalOf(req).id, req.params.id, req.body?.reason),
    );
    app.get(
      '/v1/exam-bookings/:id/report',
      {
        schema: {
          tags,
          summary: '本次体检的报告（RPT-08，EXAM-07）',
          params: Params,
          response: { 200: ExamBookingsReportListResponse },
        },
        preHandler: patient,
      },
      async (req) => getBookingReport(ctx, principalOf(req).id, req.params.id),
    );

    // ------------------------------------------------------------ console
    app.get(
      '/v1/admin/exam-packages',
      {
        schema: {
          tags: adminTags,
          summary: '体检套餐（含停用）',
          response: { 200: AdminExamPackagesListResponse },
        },
        preHandler: operator,
      },
      async () => adminListPackages(ctx),
    );
    app.post(
      '/v1/admin/exam-packages',
      {
        schema: {
          tags: adminTags,
          summary: '新增体检套餐',
          body: PackageCreate,
          response: { 201: AdminExamPackagesPostResponse },
        },
        preHandler: operator,
      },
      async (req, reply) => reply.status(201).send(await createPackage(ctx, req, req.body)),
    );
    app.get(
      '/v1/admin/exam-packages/:id',
      {
        schema: {
          tags: adminTags,
          summary: '体检套餐详情',
          params: Params,
          response: { 200: AdminExamPackagesGetResponse },
        },
        preHandler: operator,
      },
      async (req) => adminGetPackage(ctx, req.params.id),
    );
    app.put(
      '/v1/admin/exam-packages/:id',
      {
        schema: {
          tags: adminTags,
          summary: '修改体检套餐与项目',
          params: Params,
          body: PackageFields,
          response: { 200: AdminExamPackagesPutResponse },
        },
        preHandler: operator,
      },
      async (req) => updatePackage(ctx, req, req.params.id, req.body),
    );
    app.get(
      '/v1/admin/exam-packages/:id/capacity',
      {
        schema: {
          tags: adminTags,
          summary: '每日名额',
          params: Params,
          querystring: z.object({ from: isoDate, to: isoDate }).strict(),
          response: { 200: AdminExamPackagesCapacityListResponse },
        },
        preHandler: operator,
      },
      async (req) => listCapacity(ctx, req.params.id, req.query.from, req.query.to),
    );
    app.put(
      '/v1/admin/exam-packages/:id/capacity',
      {
        schema: {
          tags: adminTags,
          summary: '设置日期范围内的每日名额，或关闭/开放日期',
          params: Params,
          body: CapacityBody,
          response: { 200: AdminExamPackagesCapacityPutResponse },
        },
        preHandler: operator,
      },
      async (req) => setCapacity(ctx, req, req.params.id, req.body),
    );
    app.get(
      '/v1/admin/exam-bookings',
      {
        schema: {
          tags: adminTags,
          summary: '体检预约记录（查看留痕）',
          querystring: z
            .object({
              date: isoDate.optional(),
              packageId: id.optional(),
              state: stateEnum.optional(),
              bookingNo: z
                .string()
                .regex(/^[\w-]{1,40}$/)
                .optional(),
              ...paging(),
            })
            .strict(),
          response: { 200: AdminExamBookingsListResponse },
        },
        preHandler: operator,
      },
      async (req) => adminListBookings(ctx, req, req.query),
    );
    app.post(
      '/v1/admin/exam-bookings/:id/cancel',
      {
        schema: {
          tags: adminTags,
          summary: '代患者取消体检预约（已付款的原路退款）',
          params: Params,
          body: z.object({ reason: text(200) }).strict(),
          response: { 200: AdminExamBookingsCancelPostResponse },
        },
        preHandler: operator,
      },
      async (req) => adminCancelBooking(ctx, req, principalOf(req).id, req.params.id, req.body.reason),
    );
  },
};
