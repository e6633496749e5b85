import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];
const link = '/registrations/{registrationId}';

/**
 * The messages of the registration flow (REG-11, REG-18, REG-19, MSG). Data: patientName,
 * doctorName, departmentName, clinicDate, time, slotNumber, fee, plus what each one names.
 */
export function registerRegistrationTemplates(): void {
  registerTemplates({
    'registration.booked': {
      category: 'registration',
      title: { zh: '挂号成功', en: 'Registration confirmed' },
      body: {
        zh: '{patientName}，您已成功挂号：{clinicDate} {time} {departmentName} {doctorName}，第 {slotNumber} 号，请按时就诊。',
        en: '{patientName}, you are registered with {doctorName} ({departmentName}) on {clinicDate} {time}, number {slotNumber}.',
      },
      channels: ALL,
      link,
    },
    'registration.paid': {
      category: 'registration',
      title: { zh: '挂号缴费成功', en: 'Registration paid' },
      body: {
        zh: '{patientName}，挂号费 {fee} 元已支付，挂号成功：{clinicDate} {time} {departmentName} {doctorName}，第 {slotNumber} 号。',
        en: '{patientName}, the fee of {fee} yuan is paid; you are registered with {doctorName} on {clinicDate} {time}, number {slotNumber}.',
      },
      channels: ALL,
      link,
    },
    'registration.cancelled': {
      category: 'registration',
      title: { zh: '退号成功', en: 'Registration cancelled' },
      body: {
        zh: '{patientName}，您 {clinicDate} {time} {departmentName} {doctorName} 的挂号已取消（{reason}）。',
        en: '{patientName}, your registration with {doctorName} on {clinicDate} {time} is cancelled ({reason}).',
      },
      channels: ALL,
      link,
    },
    'registration.refund-result': {
      category: 'payment',
      title: { zh: '退号退费结果', en: 'Registration refund' },
      body: {
        zh: '{patientName}，您 {clinicDate} 挂号费 {fee} 元：{refundStateZh}。',
        en: '{patientName}, the fee of {fee} yuan for {clinicDate}: {refundStateEn}.',
      },
      channels: ALL,
      link,
    },
    'registration.clinic-stopped': {
      category: 'registration',
      title: { zh: '停诊通知', en: 'Clinic stopped' },
      body: {
        zh: '{patientName}，{clinicDate} {time} {departmentName} {doctorName} 停诊（{reason}），您的挂号已取消。{refundZh}',
        en: '{patientName}, the clinic of {doctorName} on {clinicDate} {time} is stopped ({reason}); your registration is cancelled. {refundEn}',
      },
      channels: ALL,
      link,
    },
    'registration.visit-reminder': {
      category: 'visit',
      title: { zh: '就诊提醒', en: 'Visit reminder' },
      body: {
        zh: '{patientName}，您预约了明天 {clinicDate} {time} {departmentName} {doctorName} 的门诊（第 {slotNumber} 号），请携带证件按时取号就诊。',
        en: '{patientName}, your visit with {doctorName} ({departmentName}) is tomorrow, {clinicDate} {time}, number {slotNumber}.',
      },
      channels: ALL,
      link,
    },
    'registration.no-show': {
      category: 'registration',
      title: { zh: '爽约提醒', en: 'Missed appointment' },
      body: {
        zh: '{patientName}，您 {clinicDate} {time} {departmentName} {doctorName} 的预约未按时取号就诊，已记爽约一次。多次爽约将被限制预约。',
        en: '{patientName}, you missed your appointment with {doctorName} on {clinicDate} {time}. Repeated no-shows restrict booking.',
      },
      channels: ALL,
      link,
    },
    'registration.checked-in': {
      category: 'registration',
      title: { zh: '取号成功', en: 'Checked in' },
      body: {
        zh: '{patientName}，取号成功，您的排队号为 {queueNumber}，请到 {departmentName} 候诊。',
        en: '{patientName}, you are checked in with queue number {queueNumber}; please wait at {departmentName}.',
      },
      channels: ['inapp', 'wechat', 'alipay'],
      link,
    },
  });
}
