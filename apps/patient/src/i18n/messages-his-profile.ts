/** Messages of the hospital-side patient file (IDN-07 医院档案). Chinese first. */
const m = (zh: string, en: string) => ({ zh, en });

export const hisProfileMessages = {
  hisRecordTitle: m('医院档案', 'HIS record'),
  hisRecordHint: m(
    '医院信息系统（HIS）中登记的就诊人信息',
    "The patient's file in the hospital's information system",
  ),
  hisRecordNeedsCard: m(
    '绑定或办理电子就诊卡后可查看医院档案',
    'Bind or create a visit card to see the HIS record',
  ),
  hisRecordNeedsConsent: m('就诊人授权后可查看医院档案', 'The HIS record shows once the patient consents'),
  hisPatientId: m('病案号（HIS 患者 ID）', 'HIS patient ID'),
  hisCardStatus: m('就诊卡状态', 'Card status'),
  hisCardActive: m('正常', 'Active'),
  hisCardFrozen: m('已挂失', 'Reported lost'),
  hisCardCancelled: m('已注销', 'Cancelled'),
  hisInsuranceType: m('费别', 'Payer'),
  hisInsuranceSelfPay: m('自费', 'Self-pay'),
  hisInsuranceEmployee: m('职工医保', 'Employee insurance'),
  hisInsuranceResident: m('居民医保', 'Resident insurance'),
  hisAllergies: m('过敏史', 'Allergies'),
  hisAllergiesNone: m('无记录', 'None recorded'),
  hisAddress: m('住址', 'Address'),
  hisFileCreatedOn: m('建档日期', 'File opened'),
  hisLastVisitOn: m('最近就诊', 'Last visit'),
  hisNoVisit: m('暂无', 'None yet'),
} as const;
