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
  paid: l('已缴费', 'Paid'),
  confirmed: l('已确认', 'Confirmed'),
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
  writeback_failed: l('医院入账失败', 'Hospital write-back failed'),
};

export const refundMethodLabels: Record<RefundMethod, Label> = {
  online: l('线上原路退回', 'Back online'),
  original: l('原路退回', 'To the original payment'),
  cash: l('现金退款', 'In cash'),
};

export const prescriptionStateLabels: Record<PrescriptionState, Label> = {
  pending_upload: l('待流转', 'Awaiting upload'),
  circulating: l('流转中', 'Circulating'),
  dispatched: l('已配送', 'Dispatched'),
  at_hospital: l('院内取药', 'Collect at hospital'),
  dispensed: l('已取药', 'Dispensed'),
  rejected: l('已驳回', 'Rejected'),
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
  pending: l('待入账', 'Pending'),
  confirmed: l('已入账', 'Recorded'),
  failed: l('入账失败', 'Failed'),
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
  active: l('已开通', 'Active'),
  suspended: l('已暂停', 'Suspended'),
  closed: l('已关闭', 'Closed'),
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
  partial: l('部分出具', 'Partly ready'),
  final: l('已出具', 'Final'),
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
  registration: l('挂号费', 'Registration fee'),
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
