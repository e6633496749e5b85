/**
 * Messages of what a patient is told after acting: the cashier's outcome, pages catching up with a
 * payment, the message centre's read state, check-in windows, consent. Chinese first.
 */
const m = (zh: string, en: string) => ({ zh, en });

export const feedbackMessages = {
  cashierPaid: m('支付成功', 'Payment succeeded'),
  cashierPaidConfirming: m('支付成功，医院正在确认，请稍候刷新', 'Paid; the hospital is confirming it'),
  cashierFailed: m('支付失败', 'Payment failed'),
  cashierFailedHint: m(
    '支付未成功，未产生扣款。您可以重新支付，或取消后稍后再试。',
    'The payment did not go through and nothing was charged. Try again, or cancel and pay later.',
  ),
  cashierCancelled: m('已取消支付，订单仍待支付', 'Payment cancelled; the order still awaits payment'),
  cashierClosed: m('订单已关闭，无法支付', 'The order is closed and can no longer be paid'),
  cashierConfirming: m('支付结果确认中，请勿重复支付…', 'Confirming the payment; do not pay again…'),
  cashierNothingToPay: m('该订单{state}，无需再支付', 'This order is {state}: nothing to pay'),
  cashierBackToOrder: m('返回订单', 'Back to the order'),
  paymentConfirming: m('支付结果确认中…', 'Confirming the payment…'),
  messagesMarkAllRead: m('全部已读', 'Mark all read'),
  messagesUnread: m('未读', 'Unread'),
  checkInOpensAt: m('取号时间：{time} 起', 'Check-in opens at {time}'),
  guideSheetQrHint: m('请在分诊台或自助机扫码', 'Show this code at the triage desk or a kiosk'),
  visitCardBarcodeHint: m('就诊时出示二维码或卡号', 'Show the code or the card number at the hospital'),
  legalConsent: m('我已阅读并同意', 'I have read and agree to the'),
  legalConsentRequired: m(
    '请先阅读并勾选同意《用户协议》和《隐私政策》',
    'Please read and accept the Terms of Service and the Privacy Policy first',
  ),
  legalTermsTitle: m('用户协议', 'Terms of Service'),
  legalPrivacyTitle: m('隐私政策', 'Privacy Policy'),
  legalAnd: m('和', 'and'),
  codeUnknown: m('未知状态', 'Unknown'),
  reportPanelOther: m('其他项目', 'Other items'),
  reportRange: m('参考范围', 'Reference range'),
};
