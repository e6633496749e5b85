/** Messages of real-name identity and consent (issue 9: an ID number alone opens no records). Chinese first. */
const m = (zh: string, en: string) => ({ zh, en });

export const identityMessages = {
  recordsConsentPending: m('待本人授权', 'Awaiting their consent'),
  recordsLockedExplain: m(
    '为保护个人隐私，医院的报告、账单、处方等记录须在就诊人本人授权后才能查看。',
    'To protect privacy, hospital reports, bills and prescriptions show only after the person consents.',
  ),
  recordsUnverifiedExplain: m(
    '该就诊人的身份未经实名核验，看不到医院记录。请本人携身份证到医院窗口办理。',
    'This identity was not verified, so no hospital records show. The person can verify at a hospital counter with their ID card.',
  ),
  guardianAtCounter: m(
    '未满 14 周岁的儿童须由监护人携户口簿或出生医学证明到医院窗口办理关联，关联后即可查看其医院记录。',
    "A child under 14 is linked by the guardian at a hospital counter (household register or birth certificate); the child's records show after that.",
  ),
  consentSentToOwnAccount: m(
    '验证码已发送到就诊人本人登录平台使用的手机（{phone}），请向其索取。',
    'The code went to the phone the person logs in with ({phone}); ask them for it.',
  ),
  consentSentToEntered: m(
    '验证码已发送到就诊人的手机（{phone}），请向其索取。',
    "The code went to the person's phone ({phone}); ask them for it.",
  ),
  identityClaimedTitle: m('该身份已被其他账号绑定为“本人”', 'Already bound as "self" by another account'),
  identityClaimedWayOut: m(
    '如确系本人：携身份证到医院窗口申诉，或请对方在其账号中删除该就诊人后重新添加。也可以选择其他关系添加（需本人授权后才能查看记录）。',
    'If it is you: appeal at a hospital counter with your ID card, or ask that account to remove it and add yourself again. You may also add them with another relation (their records show after they consent).',
  ),
  identityNotConfirmed: m(
    '姓名与证件号码未通过实名核验，请核对后重试。',
    'The name and the ID number did not pass the real-name check; check them and try again.',
  ),
  recordSharingTitle: m('谁可以查看我的记录', 'Who can see my records'),
  recordSharingEmpty: m('没有其他账号绑定您', 'No other account has added you'),
  recordSharingAccount: m('账号 {phone}', 'Account {phone}'),
  recordSharingRevoke: m('撤回授权', 'Withdraw'),
  recordSharingRevoked: m('已撤回，对方立即无法查看', 'Withdrawn: they can no longer see your records'),
};
