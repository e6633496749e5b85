/**
 * 《用户协议》 and 《隐私政策》: the texts a patient accepts at first login (linked from the login
 * page's consent box). The version is stored with the acceptance, so a changed text asks again.
 */
import { Checkbox } from 'antd-mobile';
import { Link } from 'react-router';
import { Page } from '../components/common';
import { useI18n, type Lang } from '../i18n';

export const LEGAL_VERSION = '2026-01';
const ACCEPTED_KEY = 'qn.legal.accepted';

export function legalAccepted(): boolean {
  try {
    return localStorage.getItem(ACCEPTED_KEY) === LEGAL_VERSION;
  } catch {
    return false;
  }
}

export function rememberLegalAccepted(): void {
  try {
    localStorage.setItem(ACCEPTED_KEY, LEGAL_VERSION);
  } catch {
    // not remembered: the box is asked for again next time
  }
}

/** The consent box of the login page: both texts open as pages. */
export function LegalConsent(props: { checked: boolean; onChange: (v: boolean) => void }) {
  const { t } = useI18n();
  return (
    <div className="legal-consent small" data-testid="legal-consent">
      <Checkbox checked={props.checked} onChange={props.onChange} data-testid="legal-consent-box">
        <span className="muted">{t('legalConsent')}</span>
      </Checkbox>{' '}
      <Link to="/legal/terms" data-testid="legal-terms-link">
        《{t('legalTermsTitle')}》
      </Link>
      <span className="muted">{t('legalAnd')}</span>
      <Link to="/legal/privacy" data-testid="legal-privacy-link">
        《{t('legalPrivacyTitle')}》
      </Link>
    </div>
  );
}

type Section = { title: string; body: string };

const TERMS: Record<Lang, Section[]> = {
  zh: [
    {
      title: '一、服务内容',
      body: '本服务由医院提供，包括预约挂号、门诊缴费、报告查询、住院服务、体检预约、医保支付等线上就医服务。各项服务的具体规则以页面说明为准。',
    },
    {
      title: '二、账户与就诊人',
      body: '您以手机号和短信验证码登录。添加的就诊人须为本人或经其授权的家人，信息须真实准确；为他人添加就诊人时，您应事先取得其同意。',
    },
    {
      title: '三、预约与缴费',
      body: '预约成功以完成支付为准。取消预约、退费按医院公示的退号与退费规则办理；多次爽约可能暂停您的预约权限。',
    },
    {
      title: '四、您的义务',
      body: '请妥善保管手机与验证码，不得冒用他人身份、倒卖号源或以任何方式干扰系统运行。',
    },
    {
      title: '五、免责与变更',
      body: '线上服务不替代医生面诊。遇系统维护或不可抗力，医院将尽快恢复服务并通知您。协议变更时，我们会在您下次登录时请您重新确认。',
    },
  ],
  en: [
    {
      title: '1. The service',
      body: 'The hospital offers online booking, bill payment, reports, inpatient services, health checks and insurance payment. Each service follows the rules shown on its page.',
    },
    {
      title: '2. Your account and patients',
      body: 'You sign in with your phone number and an SMS code. Patients you add must be you or family members who agreed; their details must be true.',
    },
    {
      title: '3. Booking and paying',
      body: 'A booking holds once it is paid. Cancellations and refunds follow the hospital’s published rules; repeated no-shows may suspend online booking.',
    },
    {
      title: '4. Your duties',
      body: 'Keep your phone and codes safe; do not use another person’s identity, resell appointments or disturb the system.',
    },
    {
      title: '5. Limits and changes',
      body: 'Online services do not replace seeing a doctor. When these terms change you are asked to accept them again at your next sign-in.',
    },
  ],
};

const PRIVACY: Record<Lang, Section[]> = {
  zh: [
    {
      title: '一、我们收集的信息',
      body: '手机号（登录与通知）；就诊人的姓名、证件号码、性别、出生日期、联系电话（实名就医所必需）；您在医院的就诊、缴费、检验检查与住院记录（由医院信息系统提供）。',
    },
    {
      title: '二、使用目的',
      body: '仅用于为您提供挂号、缴费、报告、住院、医保结算等就医服务，以及向您发送与就医相关的通知。证件号码与手机号加密存储，页面只显示脱敏信息。',
    },
    {
      title: '三、共享与委托处理',
      body: '仅在完成服务所必需时向医保平台、支付机构、电子票据平台提供必要信息；不会出售您的个人信息。',
    },
    {
      title: '四、您的权利',
      body: '您可以查阅、更正就诊人信息，解除绑定就诊人，查看工作人员对您记录的访问情况，或注销账户。家人的医疗记录须经其授权方可查看。',
    },
    {
      title: '五、保存与安全',
      body: '医疗记录按国家规定的期限保存；我们采取加密、访问控制与审计等措施保护您的信息。如有疑问，请联系医院信息科。',
    },
  ],
  en: [
    {
      title: '1. What we collect',
      body: 'Your phone number (sign-in, notices); each patient’s name, ID number, sex, birth date and phone (required for real-name care); your visits, payments, test results and stays from the hospital’s systems.',
    },
    {
      title: '2. Why',
      body: 'Only to provide booking, payment, reports, inpatient and insurance services and notices about your care. ID and phone numbers are stored encrypted and shown masked.',
    },
    {
      title: '3. Sharing',
      body: 'Only what a service needs goes to the insurance platform, payment channels and the e-invoice platform. We never sell personal data.',
    },
    {
      title: '4. Your rights',
      body: 'You may see and correct patient details, remove patients, see who accessed your records, and close your account. A family member’s records open only with their consent.',
    },
    {
      title: '5. Keeping and protecting',
      body: 'Medical records are kept as the law requires, protected by encryption, access control and audit. Questions go to the hospital’s information office.',
    },
  ],
};

function LegalText(props: { title: string; sections: Section[]; testId: string }) {
  return (
    <Page title={props.title} testId={props.testId}>
      <div className="card padded">
        {props.sections.map((s) => (
          <div key={s.title} style={{ marginBottom: 12 }}>
            <div className="strong">{s.title}</div>
            <div className="plain-text">{s.body}</div>
          </div>
        ))}
      </div>
    </Page>
  );
}

export function TermsPage() {
  const { t, lang } = useI18n();
  return <LegalText title={t('legalTermsTitle')} sections={TERMS[lang]} testId="legal-terms-page" />;
}

export function PrivacyPage() {
  const { t, lang } = useI18n();
  return <LegalText title={t('legalPrivacyTitle')} sections={PRIVACY[lang]} testId="legal-privacy-page" />;
}
