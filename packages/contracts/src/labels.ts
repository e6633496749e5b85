/**
 * One zh/en label for every state and code the platform shows to a person, shared by the patient
 * H5 and the staff console. Each table is a `Record` over the state union the server stores (the
 * unions below mirror the server modules' `schema.ts` / `contract.ts`), so a state without a label
 * is a type error, never a raw code on screen.
 *
 * Wording follows the glossary: the patient sees 待支付 / 已预约 / 已取号 ..., staff see the same
 * words. Pages pick `zh` or `en` with `labelOf(table, code, lang)`, which also covers a code the
 * server may add later (it answers a neutral 未知状态 rather than the raw code).
 */

export interface Label {
  zh: string;
  en: string;
}

export type Lang = 'zh' | 'en';

const l = (zh: string, en: string): Label => ({ zh, en });

// ---- state unions (copied from the server modules; keep in step with their schema.ts) ----

/** registration/schema.ts */
export type RegistrationState =
  'locked' | 'booked' | 'checked_in' | 'completed' | 'expired' | 'cancelled' | 'no_show';
/** registration/schema.ts, exams/schema.ts (BookingRefundState) */
export type BusinessRefundState = 'none' | 'pending' | 'requested' | 'processing' | 'succeeded' | 'failed';
/** scheduling/schema.ts */
export type BookingChannel = 'online' | 'counter' | 'third_party';
export type SlotState = 'available' | 'locked' | 'booked' | 'stopped';
export type ScheduleState = 'open' | 'stopped';
/** payments/contract.ts */
export type PaymentOrderState =
  'created' | 'paying' | 'paid' | 'closed' | 'refunding' | 'partially_refunded' | 'refunded';
export type RefundState = 'requested' | 'processing' | 'succeeded' | 'failed';
export type PaymentChannel = 'sandbox' | 'wechat' | 'alipay' | 'credit';
/** payments/schema.ts */
export type BusinessStepState = 'pending' | 'running' | 'done' | 'failed';
/** A payment channel's own trade state (WeChat Pay trade_state; the sandbox channel speaks the same). */
export type ChannelTradeState =
  'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'PAYERROR' | 'CLOSED' | 'REVOKED' | 'REFUND';
/** billing/schema.ts */
export type BillKind = 'prescription' | 'lab' | 'exam' | 'treatment' | 'other';
export type BillState = 'pending' | 'paid' | 'confirmed' | 'refunded';
export type ExecutionStatus = 'none' | 'dispensed' | 'performed';
export type BillPaymentState = 'open' | 'paid' | 'closed' | 'writeback_failed';
export type RefundMethod = 'online' | 'original' | 'cash';
export type BillWriteBackState = 'pending' | 'done' | 'failed';
/** pharmacy/schema.ts */
export type PrescriptionState =
  | 'pending_upload'
  | 'circulating'
  | 'dispatched'
  | 'at_hospital'
  | 'dispensed'
  | 'rejected'
  | 'upload_failed'
  | 'revoked'
  | 'expired';
export type PrescriptionKind = 'ordinary' | 'special_disease';
export type FillWhere = 'retail' | 'hospital';
/** exams/schema.ts */
export type ExamBookingState =
  'locked' | 'paid' | 'confirmed' | 'checked_in' | 'completed' | 'cancelled' | 'expired';
export type PackageGender = 'any' | 'male' | 'female';
/** inpatient/schema.ts */
export type AdmissionState = 'admitted' | 'discharged';
export type DischargeSettlementState = 'none' | 'open' | 'settled' | 'refunding' | 'refunded';
export type DepositState = 'pending' | 'paid' | 'closed';
export type HisWriteState = 'pending' | 'confirmed' | 'failed';
/** insurance/schema.ts */
export type InsuranceType = 'employee' | 'resident';
export type InsuranceCredentialState = 'active' | 'revoked';
export type InsuranceSettlementKind = 'outpatient' | 'secondary' | 'registration';
export type InsuranceSettlementState =
  | 'pre_settled'
  | 'settling'
  | 'cash_pending'
  | 'settled'
  | 'expired'
  | 'failed'
  | 'reversing'
  | 'reversed'
  | 'refunding'
  | 'refunded';
/** invoicing/schema.ts and the e-invoice adapter */
export type EInvoiceState = 'pending' | 'issued' | 'failed' | 'cancelled';
export type EInvoiceKind = 'blue' | 'red';
export type EInvoiceCategory = 'outpatient' | 'registration' | 'inpatient';
/** credit/schema.ts */
export type CreditAccountState = 'active' | 'suspended' | 'closed';
export type CreditChargeState = 'owed' | 'settling' | 'settled';
/** reports/schema.ts */
export type ReportKind = 'lab' | 'exam' | 'pathology' | 'physical';
export type ReportStatus = 'pending' | 'partial' | 'final';
export type ReportSetting = 'outpatient' | 'emergency' | 'inpatient' | 'physical';
export type ResultFlag = 'H' | 'L' | 'N' | 'critical';
/** identity/schema.ts */
export type Gender = 'male' | 'female';
export type PatientRelation = 'self' | 'spouse' | 'parent' | 'child' | 'other';
export type PatientIdType = 'resident_id' | 'hk_macao_tw_residence' | 'foreign_permanent_residence';
export type ConsentState = 'not_required' | 'pending' | 'granted';
/** directory/schema.ts */
export type DoctorTitle = 'chief_physician' | 'associate_chief' | 'attending' | 'resident';
export type Level = 'general' | 'expert' | 'special';
/** notifications/schema.ts */
export type NotificationChannel = 'inapp' | 'sms' | 'wechat' | 'alipay';
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'skipped';
/** notifications/templates.ts: the message centre's grouping */
export type NotificationCategory =
  | 'account'
  | 'registration'
  | 'payment'
  | 'visit'
  | 'care'
  | 'report'
  | 'exam'
  | 'inpatient'
  | 'bill'
  | 'credit'
  | 'insurance'
  | 'invoice'
  | 'prescription';
/** Business types of a payment order (payments: businessType; each module's BUSINESS_TYPE). */
export type PaymentBusinessType =
  'registration' | 'bill' | 'exam' | 'deposit' | 'inpatient-settlement' | 'insurance' | 'credit-settlement';

// ---- the labels ----

export const registrationStateLabels: Record<RegistrationState, Label> = {
  locked: l('待支付', 'Awaiting payment'),
  booked: l('已预约', 'Booked'),
  checked_in: l('已取号', 'Checked in'),
  completed: l('已就诊', 'Visited'),
  expired: l('已超时', 'Expired'),
  cancelled: l('已取消', 'Cancelled'),
  no_show: l('爽约', 'No-show'),
};

export const businessRefundStateLabels: Record<BusinessRefundState, Label> = {
  none: l('无退款', 'No refund'),
  pending: l('待退款', 'Refund pending'),
  requested: l('退款已申请', 'Refund requested'),
  processing: l('退款中', 'Refunding'),
  succeeded: l('已退款', 'Refunded'),
  failed: l('退款失败', 'Refund failed'),
};

export const bookingChannelLabels: Record<BookingChannel, Label> = {
  online: l('线上', 'Online'),
  counter: l('窗口', 'Counter'),
  third_party: l('第三方平台', 'Third-party platform'),
};

export const slotStateLabels: Record<SlotState, Label> = {
  available: l('可预约', 'Available'),
  locked: l('锁号中', 'On hold'),
  booked: l('已约', 'Booked'),
  stopped: l('已停诊', 'Clinic stopped'),
};

export const scheduleStateLabels: Record<ScheduleState, Label> = {
  open: l('出诊', 'Open'),
  stopped: l('已停诊', 'Clinic stopped'),
};

export const paymentOrderStateLabels: Record<PaymentOrderState, Label> = {
  created: l('待支付', 'Awaiting payment'),
  paying: l('支付中', 'Paying'),
  paid: l('已支付', 'Paid'),
  closed: l('已关闭', 'Closed'),
  refunding: l('退款中', 'Refunding'),
  partially_refunded: l('部分退款', 'Partly refunded'),
  refunded: l('已退款', 'Refunded'),
};

export const refundStateLabels: Record<RefundState, Label> = {
  requested: l('退款已申请', 'Refund requested'),
  processing: l('退款中', 'Refunding'),
  succeeded: l('退款成功', 'Refunded'),
  failed: l('退款失败', 'Refund failed'),
};

export const paymentChannelLabels: Record<PaymentChannel, Label> = {
  sandbox: l('模拟支付', 'Sandbox pay'),
  wechat: l('微信支付', 'WeChat Pay'),
  alipay: l('支付宝', 'Alipay'),
  credit: l('信用就医', 'Credit care'),
};

export const businessStepStateLabels: Record<BusinessStepState, Label> = {
  pending: l('待处理', 'Pending'),
  running: l('处理中', 'Processing'),
  done: l('已完成', 'Done'),
  failed: l('处理失败', 'Failed'),
};

export const channelTradeStateLabels: Record<ChannelTradeState, Label> = {
  NOTPAY: l('待支付', 'Not paid'),
  USERPAYING: l('支付中', 'Paying'),
  SUCCESS: l('支付成功', 'Paid'),
  PAYERROR: l('支付失败', 'Payment failed'),
  CLOSED: l('已关闭', 'Closed'),
  REVOKED: l('已撤销', 'Revoked'),
  REFUND: l('已转入退款', 'Refunded'),
};

export const billKindLabels: Record<BillKind, Label> = {
  prescription: l('药品', 'Medicines'),
  lab: l('检验', 'Lab tests'),
  exam: l('检查', 'Examinations'),
  treatment: l('治疗', 'Treatment'),
  other: l('其他', 'Other'),
};

export const billStateLabels: Record<BillState, Label> = {
  pending: l('待缴费', 'To pay'),
  paid: l('已支付，待医院确认', 'Paid, awaiting the hospital'),
  confirmed: l('已缴费', 'Paid'),
  refunded: l('已退费', 'Refunded'),
};

export const executionStatusLabels: Record<ExecutionStatus, Label> = {
  none: l('未执行', 'Not yet done'),
  dispensed: l('已发药', 'Dispensed'),
  performed: l('已执行', 'Performed'),
};

export const billPaymentStateLabels: Record<BillPaymentState, Label> = {
  open: l('待支付', 'Awaiting payment'),
  paid: l('已支付', 'Paid'),
  closed: l('已关闭', 'Closed'),
  writeback_failed: l('医院入账失败，已原路退款', 'Hospital write-back failed; refunded'),
};

export const billWriteBackStateLabels: Record<BillWriteBackState, Label> = {
  pending: l('回写中', 'Pending'),
  done: l('已回写', 'Done'),
  failed: l('回写失败', 'Failed'),
};

export const refundMethodLabels: Record<RefundMethod, Label> = {
  online: l('线上原路退回', 'Back online'),
  original: l('原路退回', 'To the original payment'),
  cash: l('现金退款', 'In cash'),
};

export const prescriptionStateLabels: Record<PrescriptionState, Label> = {
  pending_upload: l('待上传', 'Awaiting upload'),
  circulating: l('流转中', 'Circulating'),
  dispatched: l('已选药店', 'At a retail pharmacy'),
  at_hospital: l('院内取药', 'Collect at hospital'),
  dispensed: l('已取药', 'Dispensed'),
  rejected: l('医保拒绝', 'Rejected by insurance'),
  upload_failed: l('流转失败', 'Upload failed'),
  revoked: l('已撤销', 'Revoked'),
  expired: l('已过期', 'Expired'),
};

export const prescriptionKindLabels: Record<PrescriptionKind, Label> = {
  ordinary: l('普通处方', 'Ordinary'),
  special_disease: l('门诊特殊病处方', 'Special-disease'),
};

export const fillWhereLabels: Record<FillWhere, Label> = {
  retail: l('药店购药', 'At a pharmacy'),
  hospital: l('医院取药', 'At the hospital'),
};

export const examBookingStateLabels: Record<ExamBookingState, Label> = {
  locked: l('待支付', 'Awaiting payment'),
  paid: l('已支付', 'Paid'),
  confirmed: l('已预约', 'Booked'),
  checked_in: l('已签到', 'Checked in'),
  completed: l('已完成', 'Completed'),
  cancelled: l('已取消', 'Cancelled'),
  expired: l('已超时', 'Expired'),
};

export const packageGenderLabels: Record<PackageGender, Label> = {
  any: l('不限', 'Any'),
  male: l('男', 'Male'),
  female: l('女', 'Female'),
};

export const admissionStateLabels: Record<AdmissionState, Label> = {
  admitted: l('在院', 'In hospital'),
  discharged: l('已出院', 'Discharged'),
};

export const dischargeSettlementStateLabels: Record<DischargeSettlementState, Label> = {
  none: l('未结算', 'Not settled'),
  open: l('待结算', 'To settle'),
  settled: l('已结算', 'Settled'),
  refunding: l('退款中', 'Refunding'),
  refunded: l('已退款', 'Refunded'),
};

export const depositStateLabels: Record<DepositState, Label> = {
  pending: l('待支付', 'Awaiting payment'),
  paid: l('已缴纳', 'Paid'),
  closed: l('已关闭', 'Closed'),
};

export const hisWriteStateLabels: Record<HisWriteState, Label> = {
  pending: l('待回写', 'Pending'),
  confirmed: l('已回写', 'Written back'),
  failed: l('回写失败', 'Failed'),
};

export const insuranceTypeLabels: Record<InsuranceType, Label> = {
  employee: l('职工医保', 'Employee insurance'),
  resident: l('居民医保', 'Resident insurance'),
};

export const insuranceCredentialStateLabels: Record<InsuranceCredentialState, Label> = {
  active: l('已绑定', 'Linked'),
  revoked: l('已解绑', 'Unlinked'),
};

export const insuranceSettlementKindLabels: Record<InsuranceSettlementKind, Label> = {
  outpatient: l('门诊结算', 'Outpatient'),
  secondary: l('二次结算', 'Secondary'),
  registration: l('挂号结算', 'Registration'),
};

export const insuranceSettlementStateLabels: Record<InsuranceSettlementState, Label> = {
  pre_settled: l('已预结算', 'Pre-settled'),
  settling: l('结算中', 'Settling'),
  cash_pending: l('待支付自费部分', 'Self-pay part due'),
  settled: l('已结算', 'Settled'),
  expired: l('已超时', 'Expired'),
  failed: l('结算失败', 'Failed'),
  reversing: l('冲正中', 'Reversing'),
  reversed: l('已冲正', 'Reversed'),
  refunding: l('退款中', 'Refunding'),
  refunded: l('已退款', 'Refunded'),
};

export const einvoiceStateLabels: Record<EInvoiceState, Label> = {
  pending: l('开具中', 'Issuing'),
  issued: l('已开具', 'Issued'),
  failed: l('开具失败', 'Failed'),
  cancelled: l('已作废', 'Cancelled'),
};

export const einvoiceKindLabels: Record<EInvoiceKind, Label> = {
  blue: l('蓝字发票', 'Invoice'),
  red: l('红字发票', 'Credit note'),
};

export const einvoiceCategoryLabels: Record<EInvoiceCategory, Label> = {
  outpatient: l('门诊', 'Outpatient'),
  registration: l('挂号', 'Registration'),
  inpatient: l('住院', 'Inpatient'),
};

export const creditAccountStateLabels: Record<CreditAccountState, Label> = {
  active: l('正常', 'Active'),
  suspended: l('已暂停', 'Suspended'),
  closed: l('已关闭', 'Closed'),
};

/** credit/service.ts: why an account was suspended (the platform on an overdue charge, or finance). */
export type CreditSuspendReason = 'OVERDUE' | 'STAFF';
export const creditSuspendReasonLabels: Record<CreditSuspendReason, Label> = {
  OVERDUE: l('逾期', 'overdue'),
  STAFF: l('人工', 'by finance'),
};

export const creditChargeStateLabels: Record<CreditChargeState, Label> = {
  owed: l('待还款', 'Owed'),
  settling: l('还款中', 'Settling'),
  settled: l('已还清', 'Settled'),
};

export const reportKindLabels: Record<ReportKind, Label> = {
  lab: l('检验报告', 'Lab report'),
  exam: l('检查报告', 'Imaging/exam report'),
  pathology: l('病理报告', 'Pathology report'),
  physical: l('体检报告', 'Health-check report'),
};

export const reportStatusLabels: Record<ReportStatus, Label> = {
  pending: l('待出报告', 'Pending'),
  partial: l('部分出报告', 'Partly ready'),
  final: l('已出报告', 'Final'),
};

export const reportSettingLabels: Record<ReportSetting, Label> = {
  outpatient: l('门诊', 'Outpatient'),
  emergency: l('急诊', 'Emergency'),
  inpatient: l('住院', 'Inpatient'),
  physical: l('体检', 'Health check'),
};

export const resultFlagLabels: Record<ResultFlag, Label> = {
  H: l('偏高', 'High'),
  L: l('偏低', 'Low'),
  N: l('正常', 'Normal'),
  critical: l('危急值', 'Critical'),
};

export const genderLabels: Record<Gender, Label> = {
  male: l('男', 'Male'),
  female: l('女', 'Female'),
};

export const relationLabels: Record<PatientRelation, Label> = {
  self: l('本人', 'Self'),
  spouse: l('配偶', 'Spouse'),
  parent: l('父母', 'Parent'),
  child: l('子女', 'Child'),
  other: l('其他', 'Other'),
};

export const idTypeLabels: Record<PatientIdType, Label> = {
  resident_id: l('居民身份证', 'Resident ID card'),
  hk_macao_tw_residence: l('港澳台居民居住证', 'HK/Macao/Taiwan residence permit'),
  foreign_permanent_residence: l('外国人永久居留身份证', 'Foreign permanent residence ID'),
};

export const consentStateLabels: Record<ConsentState, Label> = {
  not_required: l('无需授权', 'Not required'),
  pending: l('待授权', 'Awaiting consent'),
  granted: l('已授权', 'Granted'),
};

export const doctorTitleLabels: Record<DoctorTitle, Label> = {
  chief_physician: l('主任医师', 'Chief physician'),
  associate_chief: l('副主任医师', 'Associate chief physician'),
  attending: l('主治医师', 'Attending physician'),
  resident: l('住院医师', 'Resident physician'),
};

export const levelLabels: Record<Level, Label> = {
  general: l('普通号', 'General'),
  expert: l('专家号', 'Expert'),
  special: l('特需号', 'Special'),
};

export const notificationChannelLabels: Record<NotificationChannel, Label> = {
  inapp: l('消息中心', 'Message centre'),
  sms: l('短信', 'SMS'),
  wechat: l('微信', 'WeChat'),
  alipay: l('支付宝', 'Alipay'),
};

export const deliveryStateLabels: Record<DeliveryState, Label> = {
  pending: l('待发送', 'Pending'),
  sent: l('已发送', 'Sent'),
  failed: l('发送失败', 'Failed'),
  skipped: l('未发送', 'Skipped'),
};

export const notificationCategoryLabels: Record<NotificationCategory, Label> = {
  account: l('账户', 'Account'),
  registration: l('挂号', 'Registration'),
  payment: l('缴费', 'Payment'),
  visit: l('就诊', 'Visit'),
  care: l('关怀', 'Care'),
  report: l('报告', 'Report'),
  exam: l('体检', 'Health check'),
  inpatient: l('住院', 'Inpatient'),
  bill: l('门诊缴费', 'Bills'),
  credit: l('信用就医', 'Credit care'),
  insurance: l('医保', 'Insurance'),
  invoice: l('电子发票', 'E-invoice'),
  prescription: l('处方', 'Prescription'),
};

export const paymentBusinessTypeLabels: Record<PaymentBusinessType, Label> = {
  registration: l('挂号', 'Registration'),
  bill: l('门诊缴费', 'Outpatient bill'),
  exam: l('体检费', 'Health-check fee'),
  deposit: l('住院预交金', 'Inpatient deposit'),
  'inpatient-settlement': l('出院结算', 'Discharge settlement'),
  insurance: l('医保结算', 'Insurance settlement'),
  'credit-settlement': l('信用就医结算', 'Credit-care settlement'),
};

/**
 * Notification and SMS template codes (every registerTemplates() entry, plus the SMS-only codes):
 * what a message log shows instead of `registration.no-show`.
 */
export const NOTIFICATION_TEMPLATES = [
  'auth.login_code',
  'auth.consent_code',
  'bill.new-fee',
  'bill.paid',
  'bill.pay-reminder',
  'bill.refunded',
  'bill.writeback-refunded',
  'blacklist.banned',
  'blacklist.lifted',
  'care.message',
  'clinic.stopped',
  'credit.charged',
  'credit.overdue',
  'credit.resumed',
  'credit.settled',
  'credit.staff-suspended',
  'credit.suspended',
  'einvoice.issued',
  'einvoice.reversed',
  'exam.booking-cancelled',
  'exam.booking-paid',
  'exam.booking-rescheduled',
  'inpatient.daily-list',
  'inpatient.deposit-paid',
  'inpatient.low-balance',
  'inpatient.settlement-reversed',
  'insurance.refunded',
  'insurance.reversed',
  'insurance.settled',
  'noshow.warning',
  'patient.bound',
  'patient.consent_granted',
  'patient.consent_withdrawn',
  'patient.identity_changed',
  'patient.unbound',
  'prescription.available',
  'prescription.dispensed',
  'prescription.expired',
  'prescription.rejected',
  'prescription.revoked',
  'refund.succeeded',
  'registration.booked',
  'registration.cancelled',
  'registration.checked-in',
  'registration.clinic-stopped',
  'registration.no-show',
  'registration.paid',
  'registration.refund-result',
  'registration.visit-reminder',
  'report.exam_ready',
  'report.ready',
  'reports.exam_code',
  'visit.reminder',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

export const notificationTemplateLabels: Record<NotificationTemplate, Label> = {
  'auth.login_code': l('登录验证码', 'Sign-in code'),
  'auth.consent_code': l('家人授权验证码', 'Family consent code'),
  'bill.new-fee': l('新的待缴费用', 'New fee to pay'),
  'bill.paid': l('门诊缴费成功', 'Outpatient bills paid'),
  'bill.pay-reminder': l('待缴费提醒', 'Fee still to pay'),
  'bill.refunded': l('门诊退费已受理', 'Bill refund accepted'),
  'bill.writeback-refunded': l('缴费未成功已退款', 'Payment refunded'),
  'blacklist.banned': l('预约权限受限通知', 'Booking restricted'),
  'blacklist.lifted': l('预约权限已恢复', 'Booking restored'),
  'care.message': l('关怀消息', 'Care message'),
  'clinic.stopped': l('停诊通知', 'Clinic stopped'),
  'credit.charged': l('无感支付已扣费', 'Paid by frictionless payment'),
  'credit.overdue': l('信用就医费用逾期', 'Credit care payment overdue'),
  'credit.resumed': l('信用就医已恢复', 'Credit care resumed'),
  'credit.settled': l('信用就医结算成功', 'Credit care settled'),
  'credit.staff-suspended': l('信用就医已暂停（工作人员）', 'Credit care suspended by staff'),
  'credit.suspended': l('信用就医已暂停', 'Credit care suspended'),
  'einvoice.issued': l('电子票据已开具', 'E-invoice issued'),
  'einvoice.reversed': l('电子票据已冲红', 'E-invoice reversed'),
  'exam.booking-cancelled': l('体检预约已取消', 'Physical exam cancelled'),
  'exam.booking-paid': l('体检预约成功', 'Physical exam booked'),
  'exam.booking-rescheduled': l('体检日期已更改', 'Physical exam date changed'),
  'inpatient.daily-list': l('住院一日清单', 'Inpatient daily fee list'),
  'inpatient.deposit-paid': l('住院预交金充值成功', 'Inpatient deposit paid'),
  'inpatient.low-balance': l('住院预交金不足提醒', 'Inpatient deposit running low'),
  'inpatient.settlement-reversed': l('出院结算已撤销', 'Discharge settlement reversed'),
  'insurance.refunded': l('医保退费成功', 'Insurance refund completed'),
  'insurance.reversed': l('医保结算已撤销', 'Insurance settlement reversed'),
  'insurance.settled': l('医保结算成功', 'Insurance settlement completed'),
  'noshow.warning': l('爽约提醒', 'Missed appointment'),
  'patient.bound': l('就诊人绑定成功', 'Patient added'),
  'patient.consent_granted': l('家人授权成功', 'Consent granted'),
  'patient.consent_withdrawn': l('家人已撤回授权', 'Consent withdrawn'),
  'patient.identity_changed': l('就诊人身份信息变更', 'Patient identity changed'),
  'patient.unbound': l('就诊人已解除绑定', 'Patient removed'),
  'prescription.available': l('医保电子处方可取药', 'Insurance e-prescription ready'),
  'prescription.dispensed': l('处方药品已取', 'Prescription dispensed'),
  'prescription.expired': l('医保电子处方已过期', 'Insurance e-prescription expired'),
  'prescription.rejected': l('医保电子处方未通过', 'Insurance e-prescription refused'),
  'prescription.revoked': l('医保电子处方已撤销', 'Insurance e-prescription revoked'),
  'refund.succeeded': l('退款成功', 'Refund completed'),
  'registration.booked': l('挂号成功', 'Registration confirmed'),
  'registration.cancelled': l('退号成功', 'Registration cancelled'),
  'registration.checked-in': l('取号成功', 'Checked in'),
  'registration.clinic-stopped': l('挂号停诊通知', 'Clinic stopped'),
  'registration.no-show': l('爽约记录提醒', 'No-show recorded'),
  'registration.paid': l('挂号缴费成功', 'Registration paid'),
  'registration.refund-result': l('退号退费结果', 'Registration refund'),
  'registration.visit-reminder': l('挂号就诊提醒', 'Visit reminder'),
  'report.exam_ready': l('体检报告已完成', 'Physical-exam report ready'),
  'report.ready': l('报告已出具', 'Report ready'),
  'reports.exam_code': l('体检报告提取码', 'Report access code'),
  'visit.reminder': l('就诊提醒', 'Visit reminder'),
};

/**
 * The label of a code in the given language. A code the table does not know (a newer server, a
 * code outside the union) reads as a neutral 未知状态 / Unknown: a raw code never reaches the screen.
 */
export function labelOf<K extends string>(
  table: Record<K, Label>,
  code: string | null | undefined,
  lang: Lang,
): string {
  const entry =
    code != null && Object.prototype.hasOwnProperty.call(table, code)
      ? (table as Record<string, Label>)[code]
      : undefined;
  return entry ? entry[lang] : lang === 'zh' ? '未知状态' : 'Unknown';
}

// ---- staff console: logs and back-office codes ----

/** platform/audit.ts: how an audited act ended */
export type AuditOutcome = 'success' | 'denied' | 'failed';
export const auditOutcomeLabels: Record<AuditOutcome, Label> = {
  success: l('成功', 'Succeeded'),
  denied: l('拒绝', 'Denied'),
  failed: l('失败', 'Failed'),
};

/** platform/audit.ts: who acted (the request's principal, or the platform itself) */
export type AuditActorKind = 'staff' | 'patient' | 'system';
export const auditActorKindLabels: Record<AuditActorKind, Label> = {
  staff: l('工作人员', 'Staff'),
  patient: l('患者', 'Patient'),
  system: l('系统', 'System'),
};

/**
 * Every audit action the server writes (`audit(...)` / `auditPatientAccess(...)` calls); the staff
 * module's test reads the server's sources and fails on an action missing here.
 */
export const AUDIT_ACTIONS = [
  'billing.bills.list',
  'billing.bills.read',
  'billing.writeback_failures.list',
  'blacklist.add',
  'blacklist.lift',
  'blacklist.list',
  'blacklist.rule.create',
  'blacklist.rule.delete',
  'blacklist.rule.update',
  'care-messages.send',
  'channel.create',
  'channel.delete',
  'channel.rotate-secret',
  'channel.update',
  'content.article.create',
  'content.article.delete',
  'content.article.update',
  'content.category.create',
  'content.category.delete',
  'content.category.update',
  'credit.accounts.list',
  'directory.building.create',
  'directory.building.delete',
  'directory.building.update',
  'directory.campus.create',
  'directory.campus.delete',
  'directory.campus.update',
  'directory.department.create',
  'directory.department.delete',
  'directory.department.update',
  'directory.doctor.create',
  'directory.doctor.delete',
  'directory.doctor.update',
  'directory.featured.create',
  'directory.featured.delete',
  'directory.featured.update',
  'directory.floor.create',
  'directory.floor.delete',
  'directory.floor.update',
  'directory.hospital.update',
  'directory.recommended.create',
  'directory.recommended.delete',
  'directory.recommended.update',
  'einvoices.list',
  'einvoices.reissue',
  'exam.authorisation.grant',
  'exam.booking.cancel',
  'exam.booking.list',
  'exam.capacity.set',
  'exam.package.create',
  'exam.package.update',
  'execution.bill.execute',
  'execution.patient.scan',
  'health_record.read',
  'indicator.create',
  'indicator.update',
  'inpatient.deposits.his-retry',
  'inpatient.deposits.list',
  'insurance.settlement.cancel',
  'insurance.settlement.read',
  'insurance.settlements.list',
  'notification-deliveries.retry',
  'patients.counter_link',
  'patients.read',
  'patients.search',
  'payments.abnormal.list',
  'payments.abnormal.resolve',
  'payments.bill.download',
  'payments.orders.export',
  'payments.orders.list',
  'payments.orders.read',
  'payments.refund.manual',
  'payments.refund.retry',
  'payments.refunds.list',
  'prescriptions.list',
  'prescriptions.read',
  'prescriptions.retry-upload',
  'prescriptions.sandbox.special-disease-filing',
  'prices.item.create',
  'prices.item.delete',
  'prices.item.update',
  'registration.cancel',
  'registration.export',
  'registration.read',
  'registration.search',
  'report.list',
  'report.read',
  'scheduling.extra-slots',
  'scheduling.generate',
  'scheduling.holiday-stop',
  'scheduling.release-rule.update',
  'scheduling.schedule.create',
  'scheduling.schedule.update',
  'scheduling.shift.save',
  'scheduling.stop-clinic',
  'scheduling.template.create',
  'scheduling.template.delete',
  'scheduling.template.update',
  'sms-messages.read',
  'staff.account_locked',
  'staff.change_password',
  'staff.login',
  'staff.login_address_throttled',
  'staff.logout',
  'staff.role.create',
  'staff.role.delete',
  'staff.role.update',
  'staff.security_alert.acknowledge',
  'staff.user.create',
  'staff.user.reset_password',
  'staff.user.unlock',
  'workbench.clinics',
  'workbench.read',
  'bill.read_by_account',
  'einvoice.read_by_account',
  'his_profile.read_by_account',
  'inpatient.read_by_account',
  'insurance.read_by_account',
  'prescription.read_by_account',
  'report.read_by_account',
  'visit.read_by_account',
  'events.delivery.retry',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditActionLabels: Record<AuditAction, Label> = {
  'billing.bills.list': l('查询门诊缴费单据', 'Searched outpatient bills'),
  'billing.bills.read': l('查看门诊缴费单据', 'Opened an outpatient bill'),
  'billing.writeback_failures.list': l('查询 HIS 回写失败', 'Searched HIS write-back failures'),
  'blacklist.add': l('加入黑名单', 'Added to the blacklist'),
  'blacklist.lift': l('解除黑名单', 'Lifted a blacklisting'),
  'blacklist.list': l('查询黑名单', 'Searched the blacklist'),
  'blacklist.rule.create': l('新建黑名单规则', 'Created a blacklist rule'),
  'blacklist.rule.delete': l('删除黑名单规则', 'Deleted a blacklist rule'),
  'blacklist.rule.update': l('修改黑名单规则', 'Changed a blacklist rule'),
  'care-messages.send': l('推送关怀消息', 'Sent a care message'),
  'channel.create': l('新建外联渠道', 'Created a channel'),
  'channel.delete': l('删除外联渠道', 'Deleted a channel'),
  'channel.rotate-secret': l('重置渠道密钥', 'Rotated a channel secret'),
  'channel.update': l('修改外联渠道', 'Changed a channel'),
  'content.article.create': l('新建资讯', 'Created an article'),
  'content.article.delete': l('删除资讯', 'Deleted an article'),
  'content.article.update': l('修改资讯', 'Changed an article'),
  'content.category.create': l('新建资讯栏目', 'Created an article category'),
  'content.category.delete': l('删除资讯栏目', 'Deleted an article category'),
  'content.category.update': l('修改资讯栏目', 'Changed an article category'),
  'credit.accounts.list': l('查询信用就医账户', 'Searched credit care accounts'),
  'directory.building.create': l('新建楼宇', 'Created a building'),
  'directory.building.delete': l('删除楼宇', 'Deleted a building'),
  'directory.building.update': l('修改楼宇', 'Changed a building'),
  'directory.campus.create': l('新建院区', 'Created a campus'),
  'directory.campus.delete': l('删除院区', 'Deleted a campus'),
  'directory.campus.update': l('修改院区', 'Changed a campus'),
  'directory.department.create': l('新建科室', 'Created a department'),
  'directory.department.delete': l('删除科室', 'Deleted a department'),
  'directory.department.update': l('修改科室', 'Changed a department'),
  'directory.doctor.create': l('新建医生', 'Created a doctor'),
  'directory.doctor.delete': l('删除医生', 'Deleted a doctor'),
  'directory.doctor.update': l('修改医生', 'Changed a doctor'),
  'directory.featured.create': l('新建特色专科', 'Created a featured discipline'),
  'directory.featured.delete': l('删除特色专科', 'Deleted a featured discipline'),
  'directory.featured.update': l('修改特色专科', 'Changed a featured discipline'),
  'directory.floor.create': l('新建楼层', 'Created a floor'),
  'directory.floor.delete': l('删除楼层', 'Deleted a floor'),
  'directory.floor.update': l('修改楼层', 'Changed a floor'),
  'directory.hospital.update': l('修改医院信息', 'Changed the hospital profile'),
  'directory.recommended.create': l('新建推荐医生', 'Recommended a doctor'),
  'directory.recommended.delete': l('删除推荐医生', 'Removed a recommended doctor'),
  'directory.recommended.update': l('修改推荐医生', 'Changed a recommended doctor'),
  'einvoices.list': l('查询电子票据', 'Searched e-invoices'),
  'einvoices.reissue': l('重开电子票据', 'Re-issued an e-invoice'),
  'exam.authorisation.grant': l('体检报告授权', 'Granted access to an exam report'),
  'exam.booking.cancel': l('取消体检预约', 'Cancelled an exam booking'),
  'exam.booking.list': l('查询体检预约', 'Searched exam bookings'),
  'exam.capacity.set': l('设置体检每日名额', 'Set exam capacity'),
  'exam.package.create': l('新建体检套餐', 'Created an exam package'),
  'exam.package.update': l('修改体检套餐', 'Changed an exam package'),
  'execution.bill.execute': l('执行登记', 'Registered an execution'),
  'execution.patient.scan': l('扫码识别患者', 'Scanned a patient'),
  'health_record.read': l('查看健康档案', 'Opened a health record'),
  'indicator.create': l('新建指标解读', 'Created an indicator'),
  'indicator.update': l('修改指标解读', 'Changed an indicator'),
  'inpatient.deposits.his-retry': l('预交金重新回写 HIS', 'Retried a deposit write-back'),
  'inpatient.deposits.list': l('查询住院预交金', 'Searched inpatient deposits'),
  'insurance.settlement.cancel': l('撤销医保结算', 'Reversed an insurance settlement'),
  'insurance.settlement.read': l('查看医保结算', 'Opened an insurance settlement'),
  'insurance.settlements.list': l('查询医保结算', 'Searched insurance settlements'),
  'notification-deliveries.retry': l('重发消息', 'Resent a notification'),
  'patients.counter_link': l('窗口关联就诊人', 'Linked a patient at the counter'),
  'patients.read': l('查看患者信息', 'Opened a patient'),
  'patients.search': l('查询患者', 'Searched patients'),
  'payments.abnormal.list': l('查询异常订单', 'Searched abnormal orders'),
  'payments.abnormal.resolve': l('处理异常订单', 'Resolved an abnormal order'),
  'payments.bill.download': l('下载对账单', 'Downloaded a statement'),
  'payments.orders.export': l('导出支付订单', 'Exported payment orders'),
  'payments.orders.list': l('查询支付订单', 'Searched payment orders'),
  'payments.orders.read': l('查看支付订单', 'Opened a payment order'),
  'payments.refund.manual': l('人工退款', 'Manual refund'),
  'payments.refund.retry': l('重试退款', 'Retried a refund'),
  'payments.refunds.list': l('查询退款', 'Searched refunds'),
  'prescriptions.list': l('查询医保电子处方', 'Searched e-prescriptions'),
  'prescriptions.read': l('查看医保电子处方', 'Opened an e-prescription'),
  'prescriptions.retry-upload': l('重新上传电子处方', 'Re-uploaded an e-prescription'),
  'prescriptions.sandbox.special-disease-filing': l('模拟门特备案', 'Sandbox special-disease filing'),
  'prices.item.create': l('新建收费项目', 'Created a fee item'),
  'prices.item.delete': l('删除收费项目', 'Deleted a fee item'),
  'prices.item.update': l('修改收费项目', 'Changed a fee item'),
  'registration.cancel': l('代患者退号', 'Cancelled a registration'),
  'registration.export': l('导出挂号记录', 'Exported registrations'),
  'registration.read': l('查看挂号记录', 'Opened a registration'),
  'registration.search': l('查询挂号记录', 'Searched registrations'),
  'report.list': l('查询报告', 'Searched reports'),
  'report.read': l('查看报告', 'Opened a report'),
  'scheduling.extra-slots': l('加号', 'Added extra slots'),
  'scheduling.generate': l('按模板生成排班', 'Generated schedules'),
  'scheduling.holiday-stop': l('节假日停诊', 'Holiday closure'),
  'scheduling.release-rule.update': l('修改放号规则', 'Changed a release rule'),
  'scheduling.schedule.create': l('新建排班', 'Created a clinic'),
  'scheduling.schedule.update': l('修改排班', 'Changed a clinic'),
  'scheduling.shift.save': l('保存班次', 'Saved a shift'),
  'scheduling.stop-clinic': l('停诊', 'Stopped a clinic'),
  'scheduling.template.create': l('新建排班模板', 'Created a schedule template'),
  'scheduling.template.delete': l('删除排班模板', 'Deleted a schedule template'),
  'scheduling.template.update': l('修改排班模板', 'Changed a schedule template'),
  'sms-messages.read': l('查看短信记录', 'Read the SMS log'),
  'staff.account_locked': l('账号被锁定', 'Account locked'),
  'staff.change_password': l('修改密码', 'Changed the password'),
  'staff.login': l('登录', 'Signed in'),
  'staff.login_address_throttled': l('地址登录暂停', 'Logins from an address paused'),
  'staff.logout': l('退出登录', 'Signed out'),
  'staff.role.create': l('新建角色', 'Created a role'),
  'staff.role.delete': l('删除角色', 'Deleted a role'),
  'staff.role.update': l('修改角色', 'Changed a role'),
  'staff.security_alert.acknowledge': l('处理安全提醒', 'Acknowledged a security alert'),
  'staff.user.create': l('新建用户', 'Created a user'),
  'staff.user.reset_password': l('重置密码', 'Reset a password'),
  'staff.user.unlock': l('解锁账号', 'Unlocked an account'),
  'workbench.clinics': l('查看门诊患者列表', 'Opened a clinic list'),
  'workbench.read': l('打开工作台', 'Opened the home page'),
  'bill.read_by_account': l('家庭账户查看缴费单据', 'A family account read a bill'),
  'einvoice.read_by_account': l('家庭账户查看电子票据', 'A family account read an e-invoice'),
  'his_profile.read_by_account': l('家庭账户查看医院档案', 'A family account read the HIS record'),
  'inpatient.read_by_account': l('家庭账户查看住院记录', 'A family account read an inpatient stay'),
  'insurance.read_by_account': l('家庭账户查看医保结算', 'A family account read an insurance settlement'),
  'prescription.read_by_account': l('家庭账户查看处方', 'A family account read a prescription'),
  'report.read_by_account': l('家庭账户查看检查检验报告', 'A family account read a report'),
  'visit.read_by_account': l('家庭账户查看就诊记录', 'A family account read a visit'),
  'events.delivery.retry': l('重新投递失败的事件', 'Retried a dead event delivery'),
};

/** The kinds of object an audit row names (`objectType`). */
export const AUDIT_OBJECT_TYPES = [
  'abnormal_order',
  'article',
  'article_category',
  'bill',
  'bill_payment',
  'blacklist_entry',
  'blacklist_rule',
  'building',
  'campus',
  'care_message',
  'credit_account',
  'department',
  'doctor',
  'einvoice',
  'exam_booking',
  'exam_package',
  'featured_discipline',
  'floor',
  'hospital',
  'indicator',
  'inpatient_deposit',
  'insurance_settlement',
  'integration_channel',
  'notification_delivery',
  'patient',
  'payment_bill',
  'payment_order',
  'prescription',
  'price_item',
  'recommended_doctor',
  'refund',
  'registration',
  'release_rule',
  'report',
  'role',
  'schedule',
  'schedule_template',
  'security_alert',
  'shift',
  'sms_message',
  'staff_user',
  'workbench',
  'visit',
  'his_profile',
  'admission',
  'einvoice_pdf',
  'event_delivery',
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

export const auditObjectTypeLabels: Record<AuditObjectType, Label> = {
  abnormal_order: l('异常订单', 'Abnormal order'),
  article: l('资讯', 'Article'),
  article_category: l('资讯栏目', 'Article category'),
  bill: l('门诊缴费单', 'Outpatient bill'),
  bill_payment: l('缴费记录', 'Bill payment'),
  blacklist_entry: l('黑名单记录', 'Blacklist entry'),
  blacklist_rule: l('黑名单规则', 'Blacklist rule'),
  building: l('楼宇', 'Building'),
  campus: l('院区', 'Campus'),
  care_message: l('关怀消息', 'Care message'),
  credit_account: l('信用就医账户', 'Credit care account'),
  department: l('科室', 'Department'),
  doctor: l('医生', 'Doctor'),
  einvoice: l('电子票据', 'E-invoice'),
  exam_booking: l('体检预约', 'Exam booking'),
  exam_package: l('体检套餐', 'Exam package'),
  featured_discipline: l('特色专科', 'Featured discipline'),
  floor: l('楼层', 'Floor'),
  hospital: l('医院', 'Hospital'),
  indicator: l('指标', 'Indicator'),
  inpatient_deposit: l('住院预交金', 'Inpatient deposit'),
  insurance_settlement: l('医保结算', 'Insurance settlement'),
  integration_channel: l('外联渠道', 'Channel'),
  notification_delivery: l('消息推送', 'Notification'),
  patient: l('就诊人', 'Patient'),
  payment_bill: l('对账单', 'Statement'),
  payment_order: l('支付订单', 'Payment order'),
  prescription: l('电子处方', 'E-prescription'),
  price_item: l('收费项目', 'Fee item'),
  recommended_doctor: l('推荐医生', 'Recommended doctor'),
  refund: l('退款', 'Refund'),
  registration: l('挂号', 'Registration'),
  release_rule: l('放号规则', 'Release rule'),
  report: l('报告', 'Report'),
  role: l('角色', 'Role'),
  schedule: l('排班', 'Clinic'),
  schedule_template: l('排班模板', 'Schedule template'),
  security_alert: l('安全提醒', 'Security alert'),
  shift: l('班次', 'Shift'),
  sms_message: l('短信', 'SMS'),
  staff_user: l('工作人员账号', 'Staff account'),
  workbench: l('工作台', 'Home page'),
  visit: l('就诊记录', 'Visit'),
  his_profile: l('医院档案', 'HIS record'),
  admission: l('住院记录', 'Inpatient stay'),
  einvoice_pdf: l('电子票据文件', 'E-invoice file'),
  event_delivery: l('事件投递', 'Event delivery'),
};

/**
 * A clinic (half-day) and its segments as the schedule shows them (scheduling: browseSchedules):
 * 'closed' once check-in has closed for a segment that has not ended, 'past' once it ended.
 */
export type ScheduleViewState = 'open' | 'stopped' | 'past';
export const scheduleViewStateLabels: Record<ScheduleViewState, Label> = {
  open: l('出诊', 'Open'),
  stopped: l('已停诊', 'Clinic stopped'),
  past: l('已结束', 'Ended'),
};
export type SegmentViewState = 'open' | 'closed' | 'past' | 'stopped';
export const segmentViewStateLabels: Record<SegmentViewState, Label> = {
  open: l('可预约', 'Bookable'),
  closed: l('已停止预约', 'Booking closed'),
  past: l('已结束', 'Ended'),
  stopped: l('已停诊', 'Clinic stopped'),
};

/**
 * Who asked for a refund: a refund's `requestedBy` is `patient`, `system`, `staff:<id>` or
 * `his:<channel id>`; the console shows the kind, never the id.
 */
export type RefundInitiator = 'patient' | 'system' | 'staff' | 'his';
export const refundInitiatorLabels: Record<RefundInitiator, Label> = {
  patient: l('患者', 'Patient'),
  system: l('系统自动', 'System'),
  staff: l('工作人员', 'Staff'),
  his: l('医院 HIS', 'Hospital HIS'),
};
export const refundInitiatorOf = (requestedBy: string | null | undefined): string =>
  (requestedBy ?? '').split(':')[0];

/** Why finance sees an order among the abnormal ones (payments: abnormalReason). */
export type AbnormalReason =
  | 'PAID_AFTER_CLOSE'
  | 'BUSINESS_FAILED'
  | 'AMOUNT_MISMATCH'
  | 'DUPLICATE_PAYMENT'
  | 'REFUND_FAILED'
  | 'REFUND_STUCK'
  | 'HIS_WRITEBACK_FAILED'
  | 'NOTIFICATION_INCOMPLETE'
  | 'TRADE_NO_CONFLICT'
  | 'UNKNOWN_ORDER';
export const abnormalReasonLabels: Record<AbnormalReason, Label> = {
  PAID_AFTER_CLOSE: l('关单后到账', 'Paid after the order closed'),
  BUSINESS_FAILED: l('业务处理失败', 'Business step failed'),
  AMOUNT_MISMATCH: l('金额不符', 'Amount mismatch'),
  DUPLICATE_PAYMENT: l('重复支付', 'Duplicate payment'),
  REFUND_FAILED: l('退款失败', 'Refund failed'),
  REFUND_STUCK: l('退款长时间未完成', 'Refund stuck'),
  HIS_WRITEBACK_FAILED: l('HIS 回写失败', 'HIS write-back failed'),
  NOTIFICATION_INCOMPLETE: l('支付通知内容不全', 'Incomplete payment notice'),
  TRADE_NO_CONFLICT: l('渠道交易号已属另一订单', 'Transaction pays another order'),
  UNKNOWN_ORDER: l('非本院订单的支付', 'Payment for no order of ours'),
};

/** A payment channel's notification as the order's panel lists it (payments: payment_notifications). */
export type PaymentNotificationKind = 'payment' | 'refund';
export const paymentNotificationKindLabels: Record<PaymentNotificationKind, Label> = {
  payment: l('支付通知', 'Payment notice'),
  refund: l('退款通知', 'Refund notice'),
};
export type PaymentNotificationOutcome =
  | 'paid'
  | 'not_paid'
  | 'paid_after_close'
  | 'duplicate'
  | 'duplicate_payment'
  | 'amount_mismatch'
  | 'trade_no_conflict'
  | 'unknown_order'
  | 'ignored'
  | 'incomplete'
  | 'succeeded'
  | 'processing'
  | 'failed';
export const paymentNotificationOutcomeLabels: Record<PaymentNotificationOutcome, Label> = {
  paid: l('已确认支付', 'Payment confirmed'),
  not_paid: l('未支付', 'Not paid'),
  paid_after_close: l('关单后到账，已退回', 'Paid after close, refunded'),
  duplicate: l('重复通知', 'Repeated notice'),
  duplicate_payment: l('重复支付', 'Duplicate payment'),
  amount_mismatch: l('金额不符', 'Amount mismatch'),
  trade_no_conflict: l('渠道交易号冲突', 'Trade number conflict'),
  unknown_order: l('订单不存在', 'Unknown order'),
  ignored: l('已忽略', 'Ignored'),
  incomplete: l('通知内容不全', 'Incomplete notice'),
  succeeded: l('退款成功', 'Refunded'),
  processing: l('退款处理中', 'Refund processing'),
  failed: l('处理失败', 'Failed'),
};

/** notifications: the SMS sender that carried a message */
export type SmsProvider = 'console';
export const smsProviderLabels: Record<SmsProvider, Label> = {
  console: l('沙箱（不实际发送）', 'Sandbox (not sent)'),
};

/** gateway/schema.ts: what an outside system may call */
export type IntegrationOperation =
  | 'slots.query'
  | 'slots.lock'
  | 'registrations.confirm'
  | 'registrations.cancel'
  | 'his.admissions.push'
  | 'his.inpatient-charges.push'
  | 'his.discharge.push'
  | 'his.discharge-reversal.push'
  | 'lis.reports.push'
  | 'pacs.reports.push'
  | 'his.visits.push'
  | 'his.bills.push'
  | 'his.execution.push'
  | 'einvoice.printed.push'
  | 'einvoice.query'
  | 'exam.bookings.push'
  | 'his.prescriptions.push';
export const integrationOperationLabels: Record<IntegrationOperation, Label> = {
  'slots.query': l('查询号源', 'Query slots'),
  'slots.lock': l('锁号', 'Lock a slot'),
  'registrations.confirm': l('确认挂号', 'Confirm a registration'),
  'registrations.cancel': l('退号', 'Cancel a registration'),
  'his.admissions.push': l('推送入院登记', 'Push admissions'),
  'his.inpatient-charges.push': l('推送住院费用', 'Push inpatient charges'),
  'his.discharge.push': l('推送出院结算', 'Push discharges'),
  'his.discharge-reversal.push': l('推送出院结算撤销', 'Push discharge reversals'),
  'lis.reports.push': l('推送检验报告', 'Push lab reports'),
  'pacs.reports.push': l('推送检查报告', 'Push imaging reports'),
  'his.visits.push': l('推送门诊就诊', 'Push visits'),
  'his.bills.push': l('推送门诊缴费单', 'Push bills'),
  'his.execution.push': l('推送执行记录', 'Push executions'),
  'einvoice.printed.push': l('推送纸质票据打印', 'Push invoice printing'),
  'einvoice.query': l('查询电子票据', 'Query e-invoices'),
  'exam.bookings.push': l('推送体检预约', 'Push exam bookings'),
  'his.prescriptions.push': l('推送电子处方', 'Push e-prescriptions'),
};

/** gateway/schema.ts: what kind of outside system a channel is */
export type IntegrationChannelKind = 'his_counter' | 'booking_platform' | 'pharmacy' | 'other';
export const integrationChannelKindLabels: Record<IntegrationChannelKind, Label> = {
  his_counter: l('HIS 窗口', 'HIS counter'),
  booking_platform: l('第三方预约平台', 'Booking platform'),
  pharmacy: l('药房', 'Pharmacy'),
  other: l('其他', 'Other'),
};

// ---- patient records, refusals and back-office codes shown by both apps ----

/** platform/audit.ts: the kinds of record a patient's access log names (查询记录). */
export const PATIENT_RECORD_KINDS = [
  'patient_profile',
  'his_profile',
  'registration',
  'visit',
  'report',
  'health_record',
  'bill',
  'payment',
  'prescription',
  'inpatient',
  'einvoice',
  'insurance',
  'credit',
  'exam',
] as const;
export type PatientRecordKind = (typeof PATIENT_RECORD_KINDS)[number];
export const patientRecordKindLabels: Record<PatientRecordKind, Label> = {
  patient_profile: l('就诊人信息', 'patient details'),
  his_profile: l('医院档案', 'HIS record'),
  registration: l('挂号记录', 'appointment'),
  visit: l('就诊记录', 'visit'),
  report: l('检查检验报告', 'report'),
  health_record: l('健康档案', 'health record'),
  bill: l('缴费单据', 'bill'),
  payment: l('支付订单', 'payment'),
  prescription: l('处方', 'prescription'),
  inpatient: l('住院记录', 'inpatient stay'),
  einvoice: l('电子票据', 'e-invoice'),
  insurance: l('医保结算', 'insurance settlement'),
  credit: l('信用就医', 'credit care'),
  exam: l('体检记录', 'physical exam'),
};

/**
 * platform/audit.ts: why a person's records were read (PIPL Art. 13 and 28: processing health
 * data needs a ground).
 */
export const ACCESS_GROUNDS = ['consent', 'guardian', 'treatment', 'finance', 'service'] as const;
export type AccessGround = (typeof ACCESS_GROUNDS)[number];
export const accessGroundLabels: Record<AccessGround, Label> = {
  consent: l('您的授权', 'your consent'),
  guardian: l('监护', 'guardianship'),
  treatment: l('诊疗需要', 'treatment'),
  finance: l('收费结算', 'billing and settlement'),
  service: l('患者服务', 'patient service'),
};

/** invoicing: an e-invoice as a patient sees it (its state, reversal and paper print folded in). */
export type InvoiceStatus = 'issuing' | 'issued' | 'failed' | 'reversed' | 'printed';
export const invoiceStatusLabels: Record<InvoiceStatus, Label> = {
  issuing: l('开具中', 'Being issued'),
  issued: l('已开具', 'Issued'),
  failed: l('开具失败', 'Not issued'),
  reversed: l('已冲红', 'Reversed'),
  printed: l('已打印纸质票据', 'Printed'),
};

/** billing: why a paid bill can only be refunded at the counter. */
export type CounterRefundReason = 'EXECUTED' | 'INVOICE_PRINTED' | 'WINDOW_PASSED';
export const counterRefundReasonLabels: Record<CounterRefundReason, Label> = {
  EXECUTED: l('药品已发放或项目已执行', 'the drugs were dispensed or the item performed'),
  INVOICE_PRINTED: l('已打印纸质发票', 'a paper invoice was printed'),
  WINDOW_PASSED: l('已超过线上退费期限', 'the online refund period has passed'),
};

/** insurance: why a bill cannot be settled with insurance afterwards (二次结算). */
export type SecondaryIneligibility =
  | 'NOT_PAID'
  | 'NOT_MOBILE_PAID'
  | 'NOT_CONFIRMED'
  | 'INVOICE_PRINTED'
  | 'REFUNDED'
  | 'WINDOW_PASSED'
  | 'ALREADY_SETTLED';
export const secondaryIneligibilityLabels: Record<SecondaryIneligibility, Label> = {
  NOT_PAID: l('尚未缴费', 'Not paid'),
  NOT_MOBILE_PAID: l('非手机现金缴费', 'Not paid in cash on the phone'),
  NOT_CONFIRMED: l('医院尚未确认缴费', 'Not confirmed by the hospital yet'),
  INVOICE_PRINTED: l('已打印纸质发票', 'Paper invoice printed'),
  REFUNDED: l('已退费', 'Refunded'),
  WINDOW_PASSED: l('已超过二次结算期限', 'The claim period has passed'),
  ALREADY_SETTLED: l('已医保结算', 'Already settled with insurance'),
};

/** integrations/exam-system: a booking as the physical-exam system records it. */
export type ExamRecordStatus = 'booked' | 'checked_in' | 'completed' | 'cancelled';
export const examRecordStatusLabels: Record<ExamRecordStatus, Label> = {
  booked: l('已预约', 'Booked'),
  checked_in: l('已签到', 'Checked in'),
  completed: l('已完成', 'Completed'),
  cancelled: l('已取消', 'Cancelled'),
};

/** blacklist: an entry's standing, what triggers a rule, and how an entry came about. */
export type BlacklistEntryStatus = 'active' | 'scheduled' | 'expired' | 'lifted';
export const blacklistEntryStatusLabels: Record<BlacklistEntryStatus, Label> = {
  active: l('生效中', 'Active'),
  scheduled: l('待生效', 'Scheduled'),
  expired: l('已到期', 'Expired'),
  lifted: l('已解除', 'Lifted'),
};
export type BlacklistTrigger = 'no_shows' | 'cancellations';
export const blacklistTriggerLabels: Record<BlacklistTrigger, Label> = {
  no_shows: l('爽约', 'No-shows'),
  cancellations: l('频繁退号', 'Cancellations'),
};
export type BlacklistSource = 'rule' | 'manual';
export const blacklistSourceLabels: Record<BlacklistSource, Label> = {
  rule: l('规则触发', 'By rule'),
  manual: l('手动加入', 'Manual'),
};

/** directory/schema.ts: articles (资讯) */
export type ArticleKind = 'announcement' | 'guide' | 'education' | 'knowledge' | 'encyclopedia' | 'news';
export const articleKindLabels: Record<ArticleKind, Label> = {
  announcement: l('通知公告', 'Announcements'),
  guide: l('就诊指引', 'Visit guides'),
  education: l('健康宣教', 'Health education'),
  knowledge: l('医学知识', 'Medical knowledge'),
  encyclopedia: l('医学百科', 'Encyclopedia'),
  news: l('医院新闻', 'News'),
};
export type ArticleStatus = 'draft' | 'published';
export const articleStatusLabels: Record<ArticleStatus, Label> = {
  draft: l('草稿', 'Draft'),
  published: l('已发布', 'Published'),
};
export type ArticleSource = 'original' | 'reprint';
export const articleSourceLabels: Record<ArticleSource, Label> = {
  original: l('原创', 'Original'),
  reprint: l('转载', 'Reprint'),
};

/** scheduling/schema.ts: which pool a slot is kept for (the booking channels plus the shared pool). */
export type SlotBucket = 'shared' | BookingChannel;
export const slotBucketLabels: Record<SlotBucket, Label> = {
  online: l('线上（微信/支付宝）', 'Online'),
  counter: l('窗口', 'Counter'),
  third_party: l('第三方平台', 'Third party'),
  shared: l('共享号池', 'Shared pool'),
};

/** pharmacy: what happened to an e-prescription (its event log). */
export type PrescriptionEventKind =
  | 'received'
  | 'upload_attempt'
  | 'uploaded'
  | 'upload_error'
  | 'upload_failed'
  | 'rejected'
  | 'retry_requested'
  | 'filled_retail'
  | 'pharmacy_changed'
  | 'filled_hospital'
  | 'dispensed'
  | 'revoked'
  | 'expired'
  | 'centre_reported'
  | 'centre_report_refused';
export const prescriptionEventKindLabels: Record<PrescriptionEventKind, Label> = {
  received: l('HIS 推送处方', 'Pushed by the HIS'),
  upload_attempt: l('上传医保电子处方中心', 'Upload attempt'),
  uploaded: l('已上传医保电子处方中心', 'Uploaded to the e-prescription centre'),
  upload_error: l('上传出错，稍后重试', 'Upload error, will retry'),
  upload_failed: l('多次上传失败', 'Upload failed'),
  rejected: l('医保拒绝', 'Rejected by insurance'),
  retry_requested: l('药师重新上传', 'Upload retried by a pharmacist'),
  filled_retail: l('患者选择零售药店', 'Retail pharmacy chosen'),
  pharmacy_changed: l('患者更换药店', 'Pharmacy changed'),
  filled_hospital: l('患者选择本院药房', 'Hospital pharmacy chosen'),
  dispensed: l('已取药结算', 'Dispensed and settled'),
  revoked: l('医生撤销', 'Revoked by the doctor'),
  expired: l('已过期', 'Expired'),
  centre_reported: l('本院发药已上报医保电子处方中心', 'Hospital dispensing reported to the centre'),
  centre_report_refused: l('医保电子处方中心拒收发药结果', 'The centre refused the dispensing report'),
};

// ---- counter identity link and staff login security (console) ----

/** staff/login-throttle.ts SecurityAlertView.kind */
export type SecurityAlertKind = 'login_locked' | 'address_throttled';
export const securityAlertKindLabels: Record<SecurityAlertKind, Label> = {
  login_locked: l('账号在该地址连续登录失败，已锁定', 'Account locked from one address'),
  address_throttled: l('该地址登录失败过多，已暂停登录', 'Address paused after many failed logins'),
};

/** identity/service.ts CounterDocument: what the counter saw in person */
export type CounterDocument = 'resident_id_card' | 'household_register' | 'birth_certificate' | 'other_id';
export const counterDocumentLabels: Record<CounterDocument, Label> = {
  resident_id_card: l('居民身份证', 'Resident ID card'),
  household_register: l('户口簿', 'Household register'),
  birth_certificate: l('出生医学证明', 'Birth certificate'),
  other_id: l('其他有效身份证件', 'Other identity document'),
};

/** identity/service.ts RecordsAccess: whether a patient's hospital records reach the account */
export type RecordsAccess = 'open' | 'unverified' | 'consent_pending' | 'guardian_pending';
export const recordsAccessLabels: Record<RecordsAccess, Label> = {
  open: l('可查看就诊记录', 'Records open'),
  unverified: l('未通过实名认证', 'Identity not verified'),
  consent_pending: l('待本人授权', 'Waiting for consent'),
  guardian_pending: l('待窗口关联监护人', 'Guardian to be linked at the counter'),
};

// ---- event bus (console: 系统管理 → 事件投递) ----

/** platform/event-dispatcher.ts: one event's delivery to one subscriber */
export type EventDeliveryStateCode = 'pending' | 'delivered' | 'dead';
export const eventDeliveryStateLabels: Record<EventDeliveryStateCode, Label> = {
  pending: l('待投递', 'Pending'),
  delivered: l('已投递', 'Delivered'),
  dead: l('投递失败（已用尽重试）', 'Dead (retries used up)'),
};
