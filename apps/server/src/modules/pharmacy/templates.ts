import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];
const link = '/prescriptions/{prescriptionId}';

export const RX_AVAILABLE = 'prescription.available';
export const RX_REJECTED = 'prescription.rejected';
export const RX_DISPENSED = 'prescription.dispensed';
export const RX_REVOKED = 'prescription.revoked';
export const RX_EXPIRED = 'prescription.expired';

/**
 * Messages of insurance e-prescriptions (INS-16). Data: patientName (masked), prescriptionId,
 * validUntil, reason, pharmacyName, total, fund, account, cash (yuan).
 */
export function registerPrescriptionTemplates(): void {
  registerTemplates({
    [RX_AVAILABLE]: {
      category: 'visit',
      title: { zh: '医保电子处方可取药', en: 'Insurance e-prescription ready' },
      body: {
        zh: '{patientName}，您的医保电子处方已流转，可选择医院药房或定点零售药店取药，有效期至 {validUntil}。',
        en: '{patientName}, your insurance e-prescription can now be filled at the hospital pharmacy or a designated retail pharmacy until {validUntil}.',
      },
      channels: ALL,
      link,
    },
    [RX_REJECTED]: {
      category: 'visit',
      title: { zh: '医保电子处方未通过', en: 'Insurance e-prescription refused' },
      body: {
        zh: '{patientName}，您的医保电子处方未能流转：{reason}。请咨询开方医生。',
        en: '{patientName}, your insurance e-prescription could not be circulated: {reason}. Please ask your doctor.',
      },
      channels: ALL,
      link,
    },
    [RX_DISPENSED]: {
      category: 'visit',
      title: { zh: '处方药品已取', en: 'Prescription dispensed' },
      body: {
        zh: '{patientName}，您的处方已在{pharmacyName}取药，医保结算 {total} 元：统筹基金 {fund} 元、个人账户 {account} 元、现金 {cash} 元。',
        en: '{patientName}, your prescription was dispensed at {pharmacyName}; insurance settled {total} yuan: pooled fund {fund}, personal account {account}, cash {cash}.',
      },
      channels: ALL,
      link,
    },
    [RX_REVOKED]: {
      category: 'visit',
      title: { zh: '医保电子处方已撤销', en: 'Insurance e-prescription revoked' },
      body: {
        zh: '{patientName}，医生已撤销您的医保电子处方（{reason}），请勿再凭该处方取药。',
        en: '{patientName}, your doctor revoked your insurance e-prescription ({reason}); it can no longer be filled.',
      },
      channels: ALL,
      link,
    },
    [RX_EXPIRED]: {
      category: 'visit',
      title: { zh: '医保电子处方已过期', en: 'Insurance e-prescription expired' },
      body: {
        zh: '{patientName}，您的医保电子处方已超过有效期（{validUntil}）未取药，已失效。如仍需用药请重新就诊。',
        en: '{patientName}, your insurance e-prescription was not filled before {validUntil} and has expired.',
      },
      channels: ALL,
      link,
    },
  });
}
