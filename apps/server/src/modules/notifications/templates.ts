import type { Channel } from './schema.js';

export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * A notification template: `{name}` placeholders are filled from the data passed to notify().
 * Data must never carry ID or phone numbers (use masked values or none).
 */
export interface TemplateDefinition {
  /** message-centre grouping: account, registration, payment, visit, care ... */
  category: string;
  title: Bilingual;
  body: Bilingual;
  /** default channels besides the message centre, which always gets the message */
  channels: Channel[];
  /** in-app link, may hold placeholders, e.g. /registrations/{registrationId} */
  link?: string;
}

const templates = new Map<string, TemplateDefinition>();

/**
 * Adds templates to the table. Modules call this when they register (a later registration of the
 * same name replaces the earlier one, so building several apps in one process is harmless).
 */
export function registerTemplates(defs: Record<string, TemplateDefinition>): void {
  for (const [name, def] of Object.entries(defs)) templates.set(name, def);
}

export function templateOf(name: string): TemplateDefinition {
  const def = templates.get(name);
  if (!def) throw new Error(`unknown notification template ${name}`);
  return def;
}

export function templateNames(): string[] {
  return [...templates.keys()].sort();
}

export function render(text: string, data: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (_, key: string) => (data[key] === undefined ? '' : String(data[key])));
}

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];

// Templates of the core flows; modules may add their own or refine these with registerTemplates.
registerTemplates({
  'patient.bound': {
    category: 'account',
    title: { zh: '就诊人绑定成功', en: 'Patient added' },
    body: {
      zh: '您已成功绑定就诊人 {patientName}（{relationZh}）。如非本人操作，请及时解除绑定。',
      en: 'Patient {patientName} ({relationEn}) was added to your account. If this was not you, remove them now.',
    },
    channels: ALL,
    link: '/patients/{patientId}',
  },
  'patient.unbound': {
    category: 'account',
    title: { zh: '就诊人已解除绑定', en: 'Patient removed' },
    body: {
      zh: '就诊人 {patientName} 已从您的账号解除绑定。',
      en: 'Patient {patientName} was removed from your account.',
    },
    channels: ALL,
  },
  'patient.identity_changed': {
    category: 'account',
    title: { zh: '就诊人身份信息已变更', en: 'Patient identity changed' },
    body: {
      zh: '就诊人身份信息已变更为 {patientName}。如非本人操作，请联系医院。',
      en: 'The patient identity was changed to {patientName}. If this was not you, contact the hospital.',
    },
    channels: ALL,
  },
  'patient.consent_granted': {
    category: 'account',
    title: { zh: '家人授权成功', en: 'Consent granted' },
    body: {
      zh: '{patientName} 已授权您查看其就诊记录和报告。',
      en: '{patientName} has consented to you viewing their records and reports.',
    },
    channels: ['inapp', 'wechat', 'alipay'],
  },
  'patient.consent_withdrawn': {
    category: 'account',
    title: { zh: '家人已撤回授权', en: 'Consent withdrawn' },
    body: {
      zh: '{patientName} 已撤回对您查看其就诊记录和报告的授权，您已不能再查看。如需查看，请重新申请授权。',
      en: '{patientName} has withdrawn consent to you viewing their records and reports; you can no longer see them. Ask for consent again if needed.',
    },
    channels: ['inapp', 'wechat', 'alipay'],
    link: '/patients/{patientId}',
  },
  'registration.booked': {
    category: 'registration',
    title: { zh: '预约挂号成功', en: 'Appointment booked' },
    body: {
      zh: '{patientName}，您已预约 {date} {time} {departmentName} {doctorName}，请按时就诊。',
      en: '{patientName}, your appointment with {doctorName} ({departmentName}) is on {date} {time}.',
    },
    channels: ALL,
    link: '/registrations/{registrationId}',
  },
  'registration.paid': {
    category: 'payment',
    title: { zh: '挂号缴费成功', en: 'Registration paid' },
    body: {
      zh: '{patientName}，挂号费 {amountYuan} 元已支付成功。',
      en: '{patientName}, the registration fee of {amountYuan} yuan is paid.',
    },
    channels: ['inapp', 'wechat', 'alipay'],
    link: '/registrations/{registrationId}',
  },
  'registration.cancelled': {
    category: 'registration',
    title: { zh: '挂号已取消', en: 'Registration cancelled' },
    body: {
      zh: '{patientName}，您 {date} {departmentName} {doctorName} 的挂号已取消。{refundNote}',
      en: '{patientName}, your registration with {doctorName} on {date} is cancelled. {refundNote}',
    },
    channels: ALL,
    link: '/registrations/{registrationId}',
  },
  'refund.succeeded': {
    category: 'payment',
    title: { zh: '退款成功', en: 'Refund completed' },
    body: {
      zh: '退款 {amountYuan} 元已原路退回，请注意查收。',
      en: 'The refund of {amountYuan} yuan has been returned by the original route.',
    },
    channels: ALL,
  },
  'clinic.stopped': {
    category: 'registration',
    title: { zh: '停诊通知', en: 'Clinic stopped' },
    body: {
      zh: '{patientName}，{date} {time} {departmentName} {doctorName} 停诊，您的挂号已取消，费用将原路退回。',
      en: '{patientName}, the clinic of {doctorName} on {date} {time} is stopped; your registration is cancelled and refunded.',
    },
    channels: ALL,
  },
  'visit.reminder': {
    category: 'visit',
    title: { zh: '就诊提醒', en: 'Visit reminder' },
    body: {
      zh: '{patientName}，您预约了明天 {date} {time} {departmentName} {doctorName} 的门诊，请携带证件按时就诊。',
      en: '{patientName}, your visit with {doctorName} ({departmentName}) is tomorrow, {date} {time}.',
    },
    channels: ALL,
  },
  'noshow.warning': {
    category: 'registration',
    title: { zh: '爽约提醒', en: 'Missed appointment' },
    body: {
      zh: '{patientName}，您 {date} 的预约未按时就诊，已记爽约 {count} 次。{note}',
      en: '{patientName}, you missed your appointment on {date} ({count} missed so far). {note}',
    },
    channels: ALL,
  },
});

// MSG-06: a care message written by hospital staff (health news, chronic-disease or diet reminders).
registerTemplates({
  'care.message': {
    category: 'care',
    title: { zh: '{titleZh}', en: '{titleEn}' },
    body: { zh: '{bodyZh}', en: '{bodyEn}' },
    channels: ['inapp', 'wechat', 'alipay'],
  },
});
