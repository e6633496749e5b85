/** Response schemas of the credit module's routes (derived from what the handlers return). */
import { z } from 'zod';

export const AdminCreditAccountsSuspendPostResponse = z.object({
  id: z.string(),
  state: z.enum(['active', 'suspended', 'closed']),
  suspendReason: z.string().nullable(),
  suspendedAt: z.string(),
});
export type AdminCreditAccountsSuspendPostResponse = z.infer<typeof AdminCreditAccountsSuspendPostResponse>;

export const AdminCreditAccountsResumePostResponse = z.object({
  id: z.string(),
  state: z.enum(['active', 'suspended', 'closed']),
  suspendReason: z.string().nullable(),
  suspendedAt: z.null(),
});
export type AdminCreditAccountsResumePostResponse = z.infer<typeof AdminCreditAccountsResumePostResponse>;

/** A credit settlement: the owed charges gathered into one payment order. */
export const CreditSettlementView = z.object({
  id: z.string(),
  state: z.enum(['closed', 'open', 'paid']),
  amountFen: z.number(),
  chargeCount: z.number(),
  orderId: z.string().nullable(),
  orderNo: z.string().nullable(),
  orderState: z
    .enum(['closed', 'paid', 'created', 'paying', 'refunding', 'partially_refunded', 'refunded'])
    .nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
});
export type CreditSettlementView = z.infer<typeof CreditSettlementView>;

/** A patient's credit account with its open settlement and charges (open, detail, close, withholding, frictionless). */
export const CreditAccountView = z.object({
  patientId: z.string(),
  state: z.enum(['active', 'suspended', 'closed']),
  limitFen: z.number(),
  usedFen: z.number(),
  availableFen: z.number(),
  agreementNo: z.string(),
  activatedAt: z.string(),
  suspendedAt: z.string().nullable(),
  suspendReason: z.string().nullable(),
  overdueFen: z.number(),
  nextDueAt: z.string().nullable(),
  frictionless: z.object({ signed: z.boolean(), signedAt: z.string().nullable(), enabled: z.boolean() }),
  openSettlement: CreditSettlementView.nullable(),
  charges: z.array(
    z.object({
      id: z.string(),
      orderId: z.string(),
      orderNo: z.string(),
      businessType: z.string(),
      subject: z.string(),
      amountFen: z.number(),
      refundedFen: z.number(),
      owedFen: z.number(),
      state: z.enum(['owed', 'settling', 'settled']),
      dueAt: z.string(),
      overdue: z.boolean(),
      settledAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});
export type CreditAccountView = z.infer<typeof CreditAccountView>;

export const CreditAccountsPostResponse = CreditAccountView;
export type CreditAccountsPostResponse = z.infer<typeof CreditAccountsPostResponse>;

export const CreditAccountsGetResponse = CreditAccountView;
export type CreditAccountsGetResponse = z.infer<typeof CreditAccountsGetResponse>;

export const CreditAccountsClosePostResponse = CreditAccountView;
export type CreditAccountsClosePostResponse = z.infer<typeof CreditAccountsClosePostResponse>;

export const CreditAccountsWithholdingPostResponse = CreditAccountView;
export type CreditAccountsWithholdingPostResponse = z.infer<typeof CreditAccountsWithholdingPostResponse>;

export const CreditAccountsFrictionlessPutResponse = CreditAccountView;
export type CreditAccountsFrictionlessPutResponse = z.infer<typeof CreditAccountsFrictionlessPutResponse>;

export const CreditPaymentsPostResponse = z.object({
  chargeId: z.string(),
  orderId: z.string(),
  orderNo: z.string(),
  orderState: z
    .enum(['closed', 'paid', 'created', 'paying', 'refunding', 'partially_refunded', 'refunded'])
    .nullable(),
  amountFen: z.number(),
  dueAt: z.string(),
  usedFen: z.number(),
  availableFen: z.number(),
});
export type CreditPaymentsPostResponse = z.infer<typeof CreditPaymentsPostResponse>;

export const CreditSettlementsPostResponse = CreditSettlementView;
export type CreditSettlementsPostResponse = z.infer<typeof CreditSettlementsPostResponse>;

export const AdminCreditAccountsListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      agreementNo: z.string(),
      patientId: z.string(),
      patientName: z.string().nullable(),
      state: z.enum(['active', 'suspended', 'closed']),
      limitFen: z.number(),
      usedFen: z.number(),
      owedFen: z.number(),
      overdueFen: z.number(),
      frictionlessEnabled: z.boolean(),
      suspendReason: z.string().nullable(),
      activatedAt: z.string(),
      suspendedAt: z.string().nullable(),
    }),
  ),
});
export type AdminCreditAccountsListResponse = z.infer<typeof AdminCreditAccountsListResponse>;

// ---- requests ----

const id = z.string().min(1).max(64);
export const CreditPatientBody = z.object({ patientId: id }).strict();

export const CreditAccountsParams = z.object({ patientId: id });

export const CreditAccountsClosePostParams = z.object({ patientId: id });

export const CreditAccountsClosePostBody = z.object({}).strict().nullish();

export const CreditAccountsWithholdingPostParams = z.object({ patientId: id });

export const CreditAccountsWithholdingPostBody = z.object({}).strict().nullish();

export const CreditAccountsFrictionlessPutParams = z.object({ patientId: id });

export const CreditAccountsFrictionlessPutBody = z.object({ enabled: z.boolean() }).strict();

export const CreditPaymentsPostBody = z.object({ patientId: id, orderId: id }).strict();

export const CreditAdminCreditAccountsQuery = z
  .object({
    state: z.enum(['active', 'suspended', 'closed']).optional(),
    overdue: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const CreditStaffAdminCreditAccountsResumePostBody = z.object({}).strict().nullish();
