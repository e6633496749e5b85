/** Messages of the access log (查询记录, PIPL Art. 45: who looked at a family member's records). */
const m = (zh: string, en: string) => ({ zh, en });

export const accessLogMessages = {
  accessLogTitle: m('查询记录', 'Who viewed my records'),
  accessLogEntry: m('查询记录（谁查看了我的记录）', 'Who viewed my records'),
  accessLogIntro: m(
    '医院工作人员或其他账户每次查看该就诊人的记录都会留痕。工作人员按角色和科室显示；如有疑问，请凭记录编号联系医院个人信息保护负责人。',
    'Every time hospital staff or another account views this patient’s records, it is logged. Staff are shown by role and department; to ask about an entry, quote its reference to the hospital’s privacy office.',
  ),
  accessLogEmpty: m('暂无他人查看记录', 'Nobody else has viewed these records'),
  accessLogClosed: m(
    '该就诊人的记录尚未开放（需实名核验或本人授权），暂无查询记录',
    'This patient’s records are not open to this account yet (identity check or consent needed)',
  ),
  accessLogRef: m('记录编号 {id}', 'Reference {id}'),
  accessLogAccount: m('{relation}的账户', 'Account of your {relation}'),
  accessLogAccountUnknown: m('其他账户', 'Another account'),
  accessLogViewed: m('查看了{kind}', 'viewed {kind}'),
  accessLogGround: m('依据：{ground}', 'Ground: {ground}'),
} as const;
