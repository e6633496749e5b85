/**
 * What the simulated hospital prescribes, tests and charges: a small but realistic catalogue of a
 * Chinese general hospital's outpatient drugs, lab panels (with their indicators and reference
 * ranges by sex and age, after the national standards WS/T 404 (biochemistry), WS/T 405 (blood
 * count), WS/T 779 and 780 (children)) and imaging exams, with typical prices in fen.
 */

export interface Drug {
  code: string;
  name: string;
  spec: string;
  unit: string;
  priceFen: number;
}

export const DRUGS: Drug[] = [
  { code: 'Y0101', name: '阿莫西林胶囊', spec: '0.25g*24粒', unit: '盒', priceFen: 1850 },
  { code: 'Y0102', name: '头孢克肟分散片', spec: '0.1g*6片', unit: '盒', priceFen: 3280 },
  { code: 'Y0201', name: '布洛芬缓释胶囊', spec: '0.3g*20粒', unit: '盒', priceFen: 2300 },
  { code: 'Y0301', name: '盐酸氨溴索口服溶液', spec: '100ml:0.6g', unit: '瓶', priceFen: 2640 },
  { code: 'Y0401', name: '奥美拉唑肠溶胶囊', spec: '20mg*14粒', unit: '盒', priceFen: 1960 },
  { code: 'Y0501', name: '盐酸二甲双胍片', spec: '0.5g*48片', unit: '盒', priceFen: 1520 },
  { code: 'Y0502', name: '苯磺酸氨氯地平片', spec: '5mg*28片', unit: '盒', priceFen: 2990 },
  { code: 'Y0503', name: '阿托伐他汀钙片', spec: '20mg*7片', unit: '盒', priceFen: 3560 },
  { code: 'Y0601', name: '蒙脱石散', spec: '3g*10袋', unit: '盒', priceFen: 1680 },
  { code: 'Y0701', name: '连花清瘟胶囊', spec: '0.35g*24粒', unit: '盒', priceFen: 1480 },
  { code: 'Y0801', name: '氯雷他定片', spec: '10mg*6片', unit: '盒', priceFen: 2150 },
];

export type Sex = 'male' | 'female';

/** Who a result belongs to, as far as the reference range cares. */
export interface Subject {
  sex?: Sex | null;
  /** completed years at the time of the test */
  ageYears?: number | null;
}

/**
 * A reference range for part of the population: a rule applies when its sex (if given) is the
 * subject's and the subject's age lies in [minAge, maxAge) (either bound may be absent).
 */
export interface ReferenceRange {
  sex?: Sex;
  minAge?: number;
  maxAge?: number;
  low?: number;
  high?: number;
}

/**
 * One indicator: numeric with a reference range or qualitative. `low`/`high` (either may be absent)
 * is the range when nothing more specific is known of the subject; `ranges` lists the sex- and
 * age-specific ones, the first that applies wins.
 */
export interface Indicator {
  code: string;
  name: string;
  unit?: string;
  low?: number;
  high?: number;
  ranges?: ReferenceRange[];
  /** decimals shown */
  digits?: number;
  /** qualitative result: normal text and abnormal texts */
  qualitative?: { normal: string; abnormal: string[] };
}

export interface LabPanel {
  code: string;
  name: string;
  priceFen: number;
  specimen: string;
  indicators: Indicator[];
}

export const LAB_PANELS: LabPanel[] = [
  {
    code: 'J1001',
    name: '血常规（五分类）',
    priceFen: 2000,
    specimen: '静脉血',
    indicators: [
      {
        code: 'WBC',
        name: '白细胞计数',
        unit: '10^9/L',
        low: 3.5,
        high: 9.5,
        digits: 2,
        ranges: [
          { maxAge: 2, low: 5.1, high: 14.1 },
          { minAge: 2, maxAge: 6, low: 4.4, high: 11.9 },
          { minAge: 6, maxAge: 13, low: 4.3, high: 11.3 },
          { minAge: 13, maxAge: 18, low: 4.1, high: 11.0 },
        ],
      },
      {
        code: 'RBC',
        name: '红细胞计数',
        unit: '10^12/L',
        low: 4.3,
        high: 5.8,
        digits: 2,
        ranges: [
          { maxAge: 2, low: 3.9, high: 5.1 },
          { minAge: 2, maxAge: 13, low: 4.0, high: 5.5 },
          { sex: 'male', minAge: 13, maxAge: 18, low: 4.2, high: 5.7 },
          { sex: 'female', minAge: 13, maxAge: 18, low: 3.8, high: 5.1 },
          { sex: 'male', low: 4.3, high: 5.8 },
          { sex: 'female', low: 3.8, high: 5.1 },
        ],
      },
      {
        code: 'HGB',
        name: '血红蛋白',
        unit: 'g/L',
        low: 130,
        high: 175,
        digits: 0,
        ranges: [
          { maxAge: 2, low: 107, high: 141 },
          { minAge: 2, maxAge: 6, low: 112, high: 149 },
          { minAge: 6, maxAge: 13, low: 118, high: 156 },
          { sex: 'male', minAge: 13, maxAge: 18, low: 129, high: 172 },
          { sex: 'female', minAge: 13, maxAge: 18, low: 114, high: 154 },
          { sex: 'male', low: 130, high: 175 },
          { sex: 'female', low: 115, high: 150 },
        ],
      },
      {
        code: 'HCT',
        name: '红细胞压积',
        unit: '%',
        low: 40,
        high: 50,
        digits: 1,
        ranges: [
          { maxAge: 6, low: 32, high: 42 },
          { minAge: 6, maxAge: 13, low: 36, high: 46 },
          { sex: 'male', low: 40, high: 50 },
          { sex: 'female', low: 35, high: 45 },
        ],
      },
      { code: 'MCV', name: '平均红细胞体积', unit: 'fL', low: 82, high: 100, digits: 1 },
      { code: 'PLT', name: '血小板计数', unit: '10^9/L', low: 125, high: 350, digits: 0 },
      { code: 'NEUT%', name: '中性粒细胞百分比', unit: '%', low: 40, high: 75, digits: 1 },
      { code: 'LYMPH%', name: '淋巴细胞百分比', unit: '%', low: 20, high: 50, digits: 1 },
    ],
  },
  {
    code: 'J2001',
    name: '肝功能',
    priceFen: 6000,
    specimen: '静脉血',
    indicators: [
      {
        code: 'ALT',
        name: '丙氨酸氨基转移酶',
        unit: 'U/L',
        low: 9,
        high: 50,
        digits: 0,
        ranges: [
          { sex: 'male', low: 9, high: 50 },
          { sex: 'female', low: 7, high: 40 },
        ],
      },
      {
        code: 'AST',
        name: '天门冬氨酸氨基转移酶',
        unit: 'U/L',
        low: 15,
        high: 40,
        digits: 0,
        ranges: [
          { sex: 'male', low: 15, high: 40 },
          { sex: 'female', low: 13, high: 35 },
        ],
      },
      { code: 'TBIL', name: '总胆红素', unit: 'μmol/L', low: 3.4, high: 20.5, digits: 1 },
      { code: 'DBIL', name: '直接胆红素', unit: 'μmol/L', low: 0, high: 6.8, digits: 1 },
      { code: 'TP', name: '总蛋白', unit: 'g/L', low: 65, high: 85, digits: 1 },
      { code: 'ALB', name: '白蛋白', unit: 'g/L', low: 40, high: 55, digits: 1 },
      {
        code: 'GGT',
        name: 'γ-谷氨酰转移酶',
        unit: 'U/L',
        low: 10,
        high: 60,
        digits: 0,
        ranges: [
          { sex: 'male', low: 10, high: 60 },
          { sex: 'female', low: 7, high: 45 },
        ],
      },
      {
        code: 'ALP',
        name: '碱性磷酸酶',
        unit: 'U/L',
        low: 45,
        high: 125,
        digits: 0,
        ranges: [
          // children's bones grow: their ALP runs far higher
          { maxAge: 13, low: 143, high: 406 },
          { sex: 'male', minAge: 13, maxAge: 18, low: 129, high: 439 },
          { sex: 'female', minAge: 13, maxAge: 18, low: 57, high: 266 },
          { sex: 'male', low: 45, high: 125 },
          { sex: 'female', maxAge: 50, low: 35, high: 100 },
          { sex: 'female', low: 50, high: 135 },
        ],
      },
    ],
  },
  {
    code: 'J2002',
    name: '肾功能',
    priceFen: 3000,
    specimen: '静脉血',
    indicators: [
      {
        code: 'CREA',
        name: '肌酐',
        unit: 'μmol/L',
        low: 57,
        high: 111,
        digits: 0,
        ranges: [
          { maxAge: 2, low: 13, high: 33 },
          { minAge: 2, maxAge: 6, low: 19, high: 44 },
          { minAge: 6, maxAge: 13, low: 27, high: 66 },
          { sex: 'male', minAge: 13, maxAge: 18, low: 37, high: 93 },
          { sex: 'female', minAge: 13, maxAge: 18, low: 33, high: 75 },
          { sex: 'male', low: 57, high: 111 },
          { sex: 'female', low: 41, high: 81 },
        ],
      },
      {
        code: 'BUN',
        name: '尿素氮',
        unit: 'mmol/L',
        low: 3.1,
        high: 8.0,
        digits: 2,
        ranges: [
          { maxAge: 18, low: 2.5, high: 6.5 },
          { sex: 'male', maxAge: 60, low: 3.1, high: 8.0 },
          { sex: 'male', low: 3.6, high: 9.5 },
          { sex: 'female', maxAge: 60, low: 2.6, high: 7.5 },
          { sex: 'female', low: 3.1, high: 8.8 },
        ],
      },
      {
        code: 'UA',
        name: '尿酸',
        unit: 'μmol/L',
        low: 208,
        high: 428,
        digits: 0,
        ranges: [
          { maxAge: 13, low: 120, high: 330 },
          { sex: 'male', low: 208, high: 428 },
          { sex: 'female', low: 155, high: 357 },
        ],
      },
    ],
  },
  {
    code: 'J2003',
    name: '血脂四项',
    priceFen: 4000,
    specimen: '静脉血（空腹）',
    indicators: [
      { code: 'TC', name: '总胆固醇', unit: 'mmol/L', high: 5.2, digits: 2 },
      { code: 'TG', name: '甘油三酯', unit: 'mmol/L', high: 1.7, digits: 2 },
      { code: 'HDL-C', name: '高密度脂蛋白胆固醇', unit: 'mmol/L', low: 1.04, digits: 2 },
      { code: 'LDL-C', name: '低密度脂蛋白胆固醇', unit: 'mmol/L', high: 3.4, digits: 2 },
    ],
  },
  {
    code: 'J2004',
    name: '空腹血糖 + 糖化血红蛋白',
    priceFen: 7800,
    specimen: '静脉血（空腹）',
    indicators: [
      { code: 'GLU', name: '葡萄糖', unit: 'mmol/L', low: 3.9, high: 6.1, digits: 2 },
      { code: 'HbA1c', name: '糖化血红蛋白', unit: '%', low: 4, high: 6, digits: 1 },
    ],
  },
  {
    code: 'J3001',
    name: '尿常规',
    priceFen: 1000,
    specimen: '中段尿',
    indicators: [
      {
        code: 'U-PRO',
        name: '尿蛋白',
        qualitative: { normal: '阴性(-)', abnormal: ['弱阳性(±)', '阳性(+)'] },
      },
      { code: 'U-GLU', name: '尿糖', qualitative: { normal: '阴性(-)', abnormal: ['阳性(+)', '阳性(++)'] } },
      { code: 'U-WBC', name: '尿白细胞', unit: '/μL', low: 0, high: 25, digits: 0 },
      { code: 'U-RBC', name: '尿红细胞', unit: '/μL', low: 0, high: 17, digits: 0 },
      { code: 'SG', name: '尿比重', low: 1.003, high: 1.03, digits: 3 },
    ],
  },
];

export interface ImagingExam {
  code: string;
  name: string;
  priceFen: number;
  department: string;
  location: string;
  findings: { normal: string; abnormal: string[] };
}

export const IMAGING: ImagingExam[] = [
  {
    code: 'F1001',
    name: '胸部正位 DR',
    priceFen: 8000,
    department: '放射科',
    location: '医技楼1层 DR 2室',
    findings: {
      normal: '两肺纹理清晰，未见明显实质性病变；心影大小形态未见异常；双侧膈面光整，肋膈角锐利。',
      abnormal: ['右下肺纹理增粗、模糊，考虑支气管炎可能，建议结合临床。'],
    },
  },
  {
    code: 'F2001',
    name: '腹部彩超（肝胆胰脾）',
    priceFen: 15000,
    department: '超声科',
    location: '医技楼2层 超声 5室',
    findings: {
      normal: '肝脏大小形态正常，包膜光滑，实质回声均匀；胆囊、胰腺、脾脏未见明显异常。',
      abnormal: ['肝实质回声增强、细密，远场回声衰减，提示轻度脂肪肝。'],
    },
  },
  {
    code: 'F3001',
    name: '头颅 CT 平扫',
    priceFen: 23000,
    department: '放射科',
    location: '医技楼1层 CT 1室',
    findings: {
      normal: '脑实质内未见异常密度影，脑室系统未见扩大，中线结构居中，颅骨未见骨折。',
      abnormal: ['左侧基底节区见小斑点状低密度影，考虑腔隙性梗死，建议随访。'],
    },
  },
];

export const PHARMACY = { department: '门诊西药房', location: '门诊楼1层 3号发药窗口' };
export const LAB = { department: '检验科', location: '门诊楼2层东侧 采血处' };

/** Inpatient daily charge lines (category, item, unit price in fen). */
export const WARD_DAILY: { code: string; name: string; category: string; unit: string; priceFen: number }[] =
  [
    { code: 'C0101', name: '普通病房床位费（三人间）', category: '床位费', unit: '日', priceFen: 5000 },
    { code: 'C0201', name: '二级护理', category: '护理费', unit: '日', priceFen: 2600 },
    { code: 'C0301', name: '住院诊查费', category: '诊查费', unit: '日', priceFen: 2000 },
    { code: 'C0401', name: '静脉输液（首组）', category: '治疗费', unit: '次', priceFen: 1500 },
    { code: 'C0501', name: '注射用头孢曲松钠 1g', category: '西药费', unit: '支', priceFen: 2860 },
    { code: 'C0502', name: '0.9%氯化钠注射液 250ml', category: '西药费', unit: '袋', priceFen: 420 },
  ];

export const WARDS = ['心内科一病区', '呼吸内科病区', '普外科二病区', '消化内科病区'];
export const DIAGNOSES = [
  { code: 'J18.900', name: '社区获得性肺炎' },
  { code: 'I10.x00', name: '原发性高血压' },
  { code: 'K80.200', name: '胆囊结石' },
  { code: 'E11.900', name: '2型糖尿病' },
];

/** A drug on an insurance e-prescription (医保电子处方), with its usage and whether it is a 双通道 drug. */
export interface RxDrug extends Drug {
  dosageForm: string;
  dose: string;
  frequency: string;
  route: string;
  /** 国家医保谈判药品 "双通道": fillable at the hospital or a 双通道 designated retail pharmacy */
  dualChannel: boolean;
}

/** One kind of insurance e-prescription a doctor writes: its diagnoses and the drugs to choose from. */
export interface RxPlan {
  key: string;
  /** 门诊慢特病 (outpatient special/chronic disease) the prescription is written under */
  specialDisease?: { code: string; name: string };
  diagnoses: { code: string; name: string }[];
  drugs: RxDrug[];
}

const rx = (
  code: string,
  name: string,
  spec: string,
  unit: string,
  priceFen: number,
  dosageForm: string,
  dose: string,
  frequency: string,
  route: string,
  dualChannel = false,
): RxDrug => ({ code, name, spec, unit, priceFen, dosageForm, dose, frequency, route, dualChannel });

export const RX_PLANS: RxPlan[] = [
  {
    key: 'hypertension',
    specialDisease: { code: 'M03900', name: '高血压' },
    diagnoses: [{ code: 'I10.x00', name: '原发性高血压' }],
    drugs: [
      rx('Y0504', '缬沙坦胶囊', '80mg*28粒', '盒', 3860, '胶囊剂', '80mg', '每日一次', '口服'),
      rx('Y0502', '苯磺酸氨氯地平片', '5mg*28片', '盒', 2990, '片剂', '5mg', '每日一次', '口服'),
      rx('Y0503', '阿托伐他汀钙片', '20mg*7片', '盒', 3560, '片剂', '20mg', '每晚一次', '口服'),
    ],
  },
  {
    key: 'diabetes',
    specialDisease: { code: 'M01600', name: '糖尿病' },
    diagnoses: [{ code: 'E11.900', name: '2型糖尿病' }],
    drugs: [
      rx('Y0505', '盐酸二甲双胍缓释片', '0.5g*30片', '盒', 2480, '缓释片', '1g', '每日一次', '口服'),
      rx('Y0506', '甘精胰岛素注射液', '3ml:300单位', '支', 7980, '注射剂', '12单位', '每晚一次', '皮下注射'),
      rx('Y0507', '达格列净片', '10mg*14片', '盒', 6160, '片剂', '10mg', '每日一次', '口服', true),
      rx('Y0508', '恩格列净片', '10mg*10片', '盒', 4450, '片剂', '10mg', '每日一次', '口服', true),
    ],
  },
  {
    key: 'renal-failure',
    specialDisease: { code: 'M07800', name: '慢性肾功能衰竭' },
    diagnoses: [
      { code: 'N18.900', name: '慢性肾脏病' },
      { code: 'D63.800', name: '肾性贫血' },
    ],
    drugs: [
      rx('Y0509', '罗沙司他胶囊', '50mg*3粒', '盒', 24300, '胶囊剂', '100mg', '每周三次', '口服', true),
      rx('Y0510', '碳酸司维拉姆片', '0.8g*30片', '盒', 12800, '片剂', '0.8g', '每日三次', '随餐口服'),
      rx('Y0511', '骨化三醇软胶囊', '0.25μg*10粒', '盒', 3250, '软胶囊', '0.25μg', '每日一次', '口服'),
    ],
  },
  {
    key: 'lung-cancer',
    diagnoses: [{ code: 'C34.900', name: '肺恶性肿瘤' }],
    drugs: [
      rx('Y0901', '甲磺酸奥希替尼片', '80mg*30片', '盒', 467500, '片剂', '80mg', '每日一次', '口服', true),
    ],
  },
  {
    key: 'hyperlipidaemia',
    diagnoses: [{ code: 'E78.500', name: '高脂血症' }],
    drugs: [rx('Y0503', '阿托伐他汀钙片', '20mg*7片', '盒', 3560, '片剂', '20mg', '每晚一次', '口服')],
  },
];

/** The range that applies to a subject: the first matching rule, or the indicator's own. */
export function referenceRangeFor(ind: Indicator, who: Subject = {}): { low?: number; high?: number } {
  const age = who.ageYears ?? null;
  for (const rule of ind.ranges ?? []) {
    if (rule.sex && rule.sex !== who.sex) continue;
    if ((rule.minAge !== undefined || rule.maxAge !== undefined) && age === null) continue;
    if (rule.minAge !== undefined && age! < rule.minAge) continue;
    if (rule.maxAge !== undefined && age! >= rule.maxAge) continue;
    return { low: rule.low, high: rule.high };
  }
  return { low: ind.low, high: ind.high };
}

/**
 * Sex and age of a patient as the HIS knows them: from its file when it has them, else from the
 * resident ID number (GB 11643: birth date in digits 7-14, the 17th digit odd for men, even for women).
 */
export function subjectOf(
  p: { gender?: string | null; birthDate?: string | null; idNumber?: string | null },
  on: Date,
): Subject {
  const id = p.idNumber && /^\d{17}[\dXx]$/.test(p.idNumber) ? p.idNumber : null;
  const sex: Sex | null =
    p.gender === 'male' || p.gender === 'female'
      ? p.gender
      : id
        ? Number(id[16]) % 2 === 1
          ? 'male'
          : 'female'
        : null;
  const birth = p.birthDate ?? (id ? `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` : null);
  let ageYears: number | null = null;
  if (birth && /^\d{4}-\d{2}-\d{2}$/.test(birth)) {
    const [y, m, d] = birth.split('-').map(Number);
    const today = on.toISOString().slice(0, 10).split('-').map(Number);
    ageYears = today[0] - y - (today[1] < m || (today[1] === m && today[2] < d) ? 1 : 0);
  }
  return { sex, ageYears };
}
