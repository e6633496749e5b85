/**
 * The patient service catalogue behind the home grid (九宫格): every patient-facing service of
 * FEATURES.md, with the feature IDs it covers. A service with a `path` is built; one without
 * opens the "coming soon" page that names it (docs/features.md lists which are which).
 */
import type { ReactNode } from 'react';
import {
  AppOutline,
  BankcardOutline,
  BillOutline,
  CalendarOutline,
  ChatAddOutline,
  CheckShieldOutline,
  ClockCircleOutline,
  CollectMoneyOutline,
  CompassOutline,
  ContentOutline,
  CouponOutline,
  EnvironmentOutline,
  FileOutline,
  FillinOutline,
  FlagOutline,
  GiftOutline,
  HeartOutline,
  HistogramOutline,
  InformationCircleOutline,
  LocationOutline,
  MessageOutline,
  PayCircleOutline,
  PhoneFill,
  PicturesOutline,
  QuestionCircleOutline,
  ReceiptOutline,
  ScanCodeOutline,
  SearchOutline,
  ShopbagOutline,
  SmileOutline,
  SystemQRcodeOutline,
  TeamOutline,
  TextOutline,
  TransportQRcodeOutline,
  TruckOutline,
  UnorderedListOutline,
  UserContactOutline,
  UserOutline,
  VideoOutline,
} from 'antd-mobile-icons';
import type { LocalizedText } from './api';

export interface Service {
  key: string;
  name: LocalizedText;
  /** what it will do, shown on the coming-soon page */
  description: LocalizedText;
  features: string[];
  icon: ReactNode;
  color: string;
  /** the page of a built service; absent means coming soon */
  path?: string;
}

export interface ServiceGroup {
  key: string;
  name: LocalizedText;
  services: Service[];
}

const s = (
  key: string,
  zh: string,
  en: string,
  features: string[],
  icon: ReactNode,
  color: string,
  path?: string,
  description?: [string, string],
): Service => ({
  key,
  name: { zh, en },
  description: { zh: description?.[0] ?? '', en: description?.[1] ?? '' },
  features,
  icon,
  color,
  path,
});

const BLUE = '#1677ff';
const GREEN = '#00b578';
const ORANGE = '#ff8f1f';
const RED = '#ff3141';
const PURPLE = '#7c4dff';
const CYAN = '#13c2c2';

export const serviceGroups: ServiceGroup[] = [
  {
    key: 'outpatient',
    name: { zh: '门诊服务', en: 'Outpatient' },
    services: [
      s(
        'register-today',
        '当天挂号',
        'Same-day',
        ['REG-01', 'REG-03', 'REG-05', 'REG-06', 'REG-07'],
        <ClockCircleOutline />,
        BLUE,
        '/register/today',
      ),
      s(
        'register-advance',
        '预约挂号',
        'Book ahead',
        ['REG-02', 'REG-03', 'REG-04', 'REG-05', 'REG-06'],
        <CalendarOutline />,
        GREEN,
        '/register/advance',
      ),
      s(
        'my-registrations',
        '我的挂号',
        'My bookings',
        ['REG-12', 'REG-13', 'REG-21'],
        <UnorderedListOutline />,
        CYAN,
        '/registrations',
      ),
      s(
        'check-in',
        '取号签到',
        'Check in',
        ['REG-17', 'GUIDE-11'],
        <ScanCodeOutline />,
        PURPLE,
        '/registrations?tab=today',
      ),
      s(
        'outpatient-payment',
        '门诊缴费',
        'Pay bills',
        ['PAY-01', 'PAY-02', 'PAY-03', 'PAY-04'],
        <PayCircleOutline />,
        ORANGE,
        '/bills',
        [
          '查询就诊人待缴费用与明细，多张单据一次在线支付。',
          'See unpaid outpatient bills with their items and pay several at once online.',
        ],
      ),
      s('scan-pay', '处方扫码', 'Scan to pay', ['PAY-05'], <TransportQRcodeOutline />, ORANGE, '/bills', [
        '扫描纸质处方单上的二维码直接缴费。',
        'Scan the QR code on a paper prescription to pay it.',
      ]),
      s(
        'payment-records',
        '我的缴费',
        'My payments',
        ['PAY-06', 'PAY-07', 'PAY-08'],
        <ReceiptOutline />,
        BLUE,
        '/my-payments',
        [
          '查看挂号与缴费记录、支付与退费状态，申请未执行项目退费。',
          'Registration and bill payments with their status; request refunds of unexecuted items.',
        ],
      ),
      s('e-invoice', '电子发票', 'E-invoice', ['PAY-10', 'PAY-11'], <FileOutline />, GREEN, '/einvoices', [
        '缴费后自动开具电子票据，可在线查看与下载。',
        'An electronic invoice is issued after each payment, to view and download.',
      ]),
      s('queue', '排队候诊', 'Queue', ['GUIDE-10'], <TeamOutline />, PURPLE, undefined, [
        '实时查看候诊科室、当前叫号与等候人数。',
        'See your waiting department, the number being called and how many are ahead.',
      ]),
      s(
        'reports',
        '报告查询',
        'Reports',
        ['RPT-01', 'RPT-02', 'RPT-03', 'RPT-05'],
        <ContentOutline />,
        CYAN,
        '/reports',
        [
          '查询检验、检查、病理报告及指标解读。',
          'Lab, exam and pathology reports with plain-language indicator explanations.',
        ],
      ),
      s(
        'cloud-imaging',
        '云影像',
        'Cloud imaging',
        ['RPT-06', 'RPT-07'],
        <PicturesOutline />,
        BLUE,
        '/reports?kind=exam',
        [
          '授权后在线查看影像检查报告与图像。',
          'View imaging reports and images online after authorising access.',
        ],
      ),
      s(
        'credit-care',
        '信用就医',
        'Credit care',
        ['PAY-12', 'PAY-13'],
        <CheckShieldOutline />,
        GREEN,
        '/credit',
        ['开通信用就医，先诊疗后付费。', 'Activate credit-based care: be treated first, pay later.'],
      ),
      s(
        'frictionless-pay',
        '无感支付',
        'Auto-pay',
        ['PAY-14', 'PAY-15'],
        <BankcardOutline />,
        ORANGE,
        '/credit',
        [
          '签约后符合条件的费用自动扣费，免去手动缴费。',
          'After signing, eligible fees are charged automatically.',
        ],
      ),
    ],
  },
  {
    key: 'inpatient',
    name: { zh: '住院服务', en: 'Inpatient' },
    services: [
      s(
        'inpatient',
        '住院服务',
        'Inpatient',
        ['INP-01', 'INP-02', 'INP-07'],
        <AppOutline />,
        BLUE,
        '/inpatient',
        [
          '绑定住院号，查看在院信息与历次住院记录。',
          'Bind an admission number and see current and past admissions.',
        ],
      ),
      s('deposit', '预交金', 'Deposit', ['INP-03', 'INP-04'], <CollectMoneyOutline />, ORANGE, '/inpatient', [
        '查看住院预交金余额并在线充值，余额不足时提醒。',
        'See the inpatient deposit balance, top it up online, get low-balance alerts.',
      ]),
      s('daily-list', '一日清单', 'Daily fees', ['INP-05', 'INP-06'], <BillOutline />, GREEN, '/inpatient', [
        '按日查看住院费用明细。',
        'Inpatient charges itemised day by day.',
      ]),
      s('discharge', '出院结算', 'Discharge', ['INP-08'], <ReceiptOutline />, PURPLE, '/inpatient', [
        '自费患者手机办理出院结算。',
        'Self-pay patients settle their discharge account on the phone.',
      ]),
      s(
        'record-copy',
        '病历复印',
        'Record copy',
        ['REC-01', 'REC-02', 'REC-03'],
        <FileOutline />,
        CYAN,
        undefined,
        [
          '在线申请病案复印，支付后快递到家或到院自取。',
          'Request medical-record copies online, pay, then pick up or have them mailed.',
        ],
      ),
    ],
  },
  {
    key: 'internet',
    name: { zh: '互联网医院', en: 'Internet hospital' },
    services: [
      s(
        'online-consult',
        '在线问诊',
        'Consult online',
        ['CONSULT-01', 'CONSULT-02', 'CONSULT-07'],
        <MessageOutline />,
        BLUE,
        undefined,
        ['图文、语音、视频问诊，医生在线回复。', 'Text, voice and video consultations with doctors online.'],
      ),
      s('renewal', '复诊续方', 'Renew Rx', ['CONSULT-02'], <FillinOutline />, GREEN, undefined, [
        '复诊患者在线续开处方。',
        'Returning patients renew prescriptions online.',
      ]),
      s(
        'video-clinic',
        '视频门诊',
        'Video clinic',
        ['CONSULT-04', 'CONSULT-05', 'CONSULT-06'],
        <VideoOutline />,
        PURPLE,
        undefined,
        [
          '常见病、慢性病视频问诊，支付前签署知情同意书。',
          'Video visits for common and chronic diseases, with informed consent before payment.',
        ],
      ),
      s('pharmacist', '药师咨询', 'Pharmacist', ['CONSULT-08'], <ChatAddOutline />, CYAN, undefined, [
        '向在线药师咨询用药问题。',
        'Ask an online pharmacist about your medication.',
      ]),
      s(
        'express-consult',
        '极速咨询',
        'Quick consult',
        ['CONSULT-09'],
        <ClockCircleOutline />,
        ORANGE,
        undefined,
        ['全科医生团队快速响应。', 'A general-practice team answers fast.'],
      ),
      s(
        'team-consult',
        '团队/MDT',
        'Team & MDT',
        ['CONSULT-10', 'CONSULT-11'],
        <TeamOutline />,
        BLUE,
        undefined,
        ['专家团队与多学科会诊。', 'Doctor-team and multidisciplinary consultations.'],
      ),
      s(
        'convenience-clinic',
        '方便门诊',
        'Quick clinic',
        ['CONSULT-13', 'CONSULT-14', 'CONSULT-15'],
        <ShopbagOutline />,
        GREEN,
        undefined,
        ['在线申请购药、检查与检验。', 'Apply online for common drugs, exams and lab tests.'],
      ),
      s(
        'prescriptions',
        '我的处方',
        'Prescriptions',
        ['RX-01', 'RX-06', 'RX-12'],
        <FillinOutline />,
        PURPLE,
        undefined,
        ['查看电子处方、用药指导和药品配送。', 'E-prescriptions, medication guidance and drug delivery.'],
      ),
      s('herbal-delivery', '中草药配送', 'Herbal delivery', ['RX-09'], <TruckOutline />, ORANGE, undefined, [
        '预约中草药代煎配送并跟踪物流。',
        'Book herbal-medicine delivery and track it.',
      ]),
    ],
  },
  {
    key: 'insurance',
    name: { zh: '医保服务', en: 'Insurance' },
    services: [
      s(
        'insurance-credential',
        '医保电子凭证',
        'Insurance code',
        ['INS-01', 'INS-02', 'INS-03'],
        <SystemQRcodeOutline />,
        BLUE,
        '/insurance',
        [
          '激活医保电子凭证，出示医保码就医结算。',
          'Activate the insurance credential and show its QR code for settlement.',
        ],
      ),
      s(
        'insurance-pay',
        '医保支付',
        'Insurance pay',
        ['INS-04', 'INS-06', 'INS-07', 'INS-08', 'INS-09'],
        <PayCircleOutline />,
        GREEN,
        '/insurance/pay',
        [
          '医保预结算，统筹、个账与自费分别结算。',
          'Pre-settle with insurance: pooled fund, personal account and cash parts.',
        ],
      ),
      s(
        'social-card',
        '社保卡',
        'Social card',
        ['INS-05', 'INS-13', 'INS-14'],
        <BankcardOutline />,
        ORANGE,
        '/insurance',
        ['绑定社保卡，查询余额与消费记录。', 'Bind a social-security card; see its balance and spending.'],
      ),
      s(
        'insurance-prescriptions',
        '医保电子处方',
        'Insurance e-prescriptions',
        ['INS-16'],
        <FillinOutline />,
        PURPLE,
        '/prescriptions',
        [
          '医保电子处方流转：选择本院药房或定点零售药店（含双通道药店）取药，医保直接结算。',
          'Fill insurance e-prescriptions at the hospital or a designated retail pharmacy (dual-channel drugs too), settled by insurance.',
        ],
      ),
    ],
  },
  {
    key: 'guidance',
    name: { zh: '就医指引', en: 'Guidance' },
    services: [
      s(
        'triage',
        '智能导诊',
        'Triage',
        ['GUIDE-01', 'GUIDE-02', 'GUIDE-03'],
        <QuestionCircleOutline />,
        PURPLE,
        undefined,
        [
          '按部位与症状推荐就诊科室和医生。',
          'Recommends departments and doctors from body part and symptoms.',
        ],
      ),
      s(
        'visit-guide',
        '就医指南',
        'Visit guide',
        ['DIR-08'],
        <CompassOutline />,
        BLUE,
        '/articles?category=guide',
      ),
      s('navigation', '来院导航', 'Directions', ['DIR-06'], <LocationOutline />, GREEN, '/campuses'),
      s('floors', '楼层分布', 'Floor guide', ['DIR-05'], <EnvironmentOutline />, CYAN, '/campuses'),
      s(
        'visit-records',
        '就诊记录',
        'Visit history',
        ['GUIDE-08', 'GUIDE-09', 'GUIDE-04', 'GUIDE-05'],
        <UnorderedListOutline />,
        ORANGE,
        '/visits',
        ['历次就诊记录与每次就诊的下一步指引。', 'Past visits and the next step of each visit.'],
      ),
      s(
        'guide-sheet',
        '电子指引单',
        'Guide sheet',
        ['GUIDE-14', 'GUIDE-06', 'GUIDE-07'],
        <SystemQRcodeOutline />,
        PURPLE,
        '/guide-sheet',
        [
          '就诊条码与取药、检查执行地点指引。',
          'Your visit barcode, and where to collect drugs and have exams.',
        ],
      ),
      s(
        'companion',
        '电子伴诊',
        'E-companion',
        ['GUIDE-12', 'GUIDE-13'],
        <SmileOutline />,
        GREEN,
        undefined,
        ['全流程一步步陪伴就医。', 'Step-by-step help through the whole visit.'],
      ),
      s('pre-screening', '预检筛查', 'Pre-screening', ['GUIDE-16'], <FillinOutline />, RED, undefined, [
        '就诊前在手机上填写预检筛查表。',
        'Fill in the pre-screening form on your phone before the visit.',
      ]),
    ],
  },
  {
    key: 'health',
    name: { zh: '体检与健康', en: 'Checkups & health' },
    services: [
      s(
        'physical-exam',
        '体检预约',
        'Checkups',
        ['EXAM-01', 'EXAM-02', 'EXAM-03', 'EXAM-04', 'EXAM-05', 'EXAM-06'],
        <HeartOutline />,
        RED,
        '/exams',
        ['选择体检套餐预约日期并在线支付。', 'Choose a checkup package and date, and pay online.'],
      ),
      s(
        'exam-reports',
        '体检报告',
        'Checkup reports',
        ['RPT-08', 'RPT-09', 'RPT-10', 'RPT-11', 'EXAM-07'],
        <ContentOutline />,
        ORANGE,
        '/exam-report',
        ['凭提取码查看体检总检报告和分科报告。', 'Open checkup reports with the extraction code.'],
      ),
      s(
        'health-record',
        '健康档案',
        'Health record',
        ['RPT-12', 'RPT-13'],
        <UserContactOutline />,
        GREEN,
        '/health-record',
        [
          '个人健康信息、就诊记录与检验指标汇总。',
          'Your health information, visits and lab indicators in one place.',
        ],
      ),
      s('follow-up', '随访中心', 'Follow-up', ['FUP-01'], <CalendarOutline />, BLUE, undefined, [
        '查看随访计划，填写随访问卷。',
        'See your follow-up plan and fill in its questionnaires.',
      ]),
      s(
        'satisfaction',
        '满意度调查',
        'Surveys',
        ['FUP-02', 'FUP-03', 'FUP-04'],
        <HistogramOutline />,
        PURPLE,
        undefined,
        ['就诊评价与满意度问卷。', 'Rate your visit and fill in satisfaction surveys.'],
      ),
      s('complaints', '投诉建议', 'Feedback', ['FUP-12'], <TextOutline />, CYAN, undefined, [
        '在线提交投诉与建议。',
        'Send complaints and suggestions online.',
      ]),
      s('e-banner', '电子锦旗', 'Thank a doctor', ['FUP-13'], <FlagOutline />, RED, undefined, [
        '为医生送上电子锦旗或感谢信。',
        'Send a doctor an e-banner or thank-you letter.',
      ]),
    ],
  },
  {
    key: 'hospital',
    name: { zh: '医院信息', en: 'Hospital' },
    services: [
      s(
        'hospital-intro',
        '医院介绍',
        'About us',
        ['DIR-01'],
        <InformationCircleOutline />,
        BLUE,
        '/hospital',
      ),
      s(
        'departments',
        '科室介绍',
        'Departments',
        ['DIR-02', 'DIR-03'],
        <AppOutline />,
        GREEN,
        '/departments',
      ),
      s('doctors', '找医生', 'Find a doctor', ['DIR-04', 'DIR-14'], <SearchOutline />, ORANGE, '/doctors'),
      s(
        'announcements',
        '医院公告',
        'Notices',
        ['DIR-07'],
        <MessageOutline />,
        RED,
        '/articles?category=announcement',
      ),
      s(
        'education',
        '健康宣教',
        'Health tips',
        ['DIR-09'],
        <HeartOutline />,
        PURPLE,
        '/articles?category=education',
      ),
      s(
        'knowledge',
        '医学知识',
        'Knowledge',
        ['DIR-10'],
        <ContentOutline />,
        CYAN,
        '/articles?category=knowledge',
      ),
      s(
        'encyclopedia',
        '健康百科',
        'Encyclopedia',
        ['DIR-11'],
        <FileOutline />,
        GREEN,
        '/articles?category=encyclopedia',
      ),
      s('prices', '价格公示', 'Prices', ['DIR-12'], <CouponOutline />, ORANGE, '/prices'),
    ],
  },
  {
    key: 'emergency',
    name: { zh: '急救与更多', en: 'Emergency & more' },
    services: [
      s(
        'emergency',
        '120急救',
        '120 SOS',
        ['EMG-01', 'EMG-02', 'EMG-04', 'EMG-05', 'EMG-07', 'EMG-12'],
        <PhoneFill />,
        RED,
        undefined,
        [
          '一键呼救，自动定位，查看救护车位置。',
          'One-tap emergency call with your location; see where the ambulance is.',
        ],
      ),
      s('emergency-contacts', '我的急救人', 'SOS contacts', ['EMG-11'], <UserOutline />, ORANGE, undefined, [
        '维护最多 10 位急救人信息。',
        'Keep up to 10 people for emergency calls.',
      ]),
      s('points-mall', '积分商城', 'Points mall', ['EXT-01'], <GiftOutline />, PURPLE, undefined, [
        '本期仅提供入口。',
        'Entry only in this phase.',
      ]),
      s('business', '业务拓展', 'Partners', ['EXT-02'], <AppOutline />, BLUE, undefined, [
        '本期仅提供入口。',
        'Entry only in this phase.',
      ]),
      s('benefits', '我的权益', 'My benefits', ['EXT-03'], <CouponOutline />, GREEN, undefined, [
        '本期仅提供入口。',
        'Entry only in this phase.',
      ]),
    ],
  },
];

/**
 * The nine services of the top grid (九宫格): only services a patient can use today. Services not
 * built yet stay in the full list below, marked 即将上线.
 */
export const primaryServiceKeys = [
  'register-today',
  'register-advance',
  'check-in',
  'outpatient-payment',
  'payment-records',
  'reports',
  'inpatient',
  'physical-exam',
  'insurance-credential',
];

export const allServices: Service[] = serviceGroups.flatMap((g) => g.services);

export function findService(key: string): Service | undefined {
  return allServices.find((x) => x.key === key);
}

export function serviceLink(service: Service): string {
  return service.path ?? `/soon/${service.key}`;
}
