// Exams: the notification templates of exam bookings.

import { registerTemplates } from '../notifications/index.js';

export function registerExamTemplates(): void {
  registerTemplates({
    'exam.booking-paid': {
      category: 'exam',
      title: { zh: '体检预约成功', en: 'Physical exam booked' },
      body: {
        zh: '{patientName}已预约 {examDate} 的“{packageName}”（预约号 {bookingNo}，¥{amountYuan}）。请于体检当日空腹到体检中心。',
        en: '{patientName} is booked for "{packageName}" on {examDate} (booking {bookingNo}, ¥{amountYuan}). Please come fasting on the day.',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
    'exam.booking-rescheduled': {
      category: 'exam',
      title: { zh: '体检日期已更改', en: 'Physical exam date changed' },
      body: {
        zh: '{patientName}的“{packageName}”已由 {oldDate} 改到 {examDate}（预约号 {bookingNo}）。',
        en: '"{packageName}" for {patientName} moved from {oldDate} to {examDate} (booking {bookingNo}).',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
    'exam.booking-cancelled': {
      category: 'exam',
      title: { zh: '体检预约已取消', en: 'Physical exam cancelled' },
      body: {
        zh: '{patientName}在 {examDate} 的“{packageName}”已取消（{reason}）。{refundNote}',
        en: '"{packageName}" on {examDate} for {patientName} is cancelled ({reason}). {refundNoteEn}',
      },
      channels: ['sms'],
      link: '/exams/bookings/{bookingId}',
    },
  });
}
