import type { SeedStep } from '../../db/seed/steps.js';
import type { AppContext } from '../../platform/context.js';
import { dayjs, hospitalDay } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { examCapacity, examPackageItems, examPackages, type PackageGender } from './schema.js';

type Item = [name: string, category: string, meaning: string];

const COMMON: Item[] = [
  ['一般检查', '一般检查', '身高、体重、体重指数、血压、脉搏'],
  ['内科检查', '科室检查', '心、肺、腹部触诊与听诊'],
  ['外科检查', '科室检查', '皮肤、淋巴结、甲状腺、脊柱四肢'],
  ['眼科检查', '科室检查', '视力、外眼、色觉'],
  ['血常规', '实验室检查', '了解有无贫血、感染及血液系统疾病'],
  ['尿常规', '实验室检查', '筛查泌尿系统感染、肾脏疾病及糖尿病'],
  ['肝功能', '实验室检查', '评估肝脏损伤与代谢功能'],
  ['肾功能', '实验室检查', '评估肾脏排泄功能'],
  ['空腹血糖', '实验室检查', '筛查糖尿病与糖调节受损'],
  ['心电图', '功能检查', '筛查心律失常、心肌缺血'],
  ['胸部正位片', '影像检查', '排查肺部与心影异常（孕妇不宜）'],
];

const PACKAGES: {
  code: string;
  name: string;
  description: string;
  priceFen: number;
  gender: PackageGender;
  minAge: number | null;
  maxAge: number | null;
  notes: string;
  items: Item[];
}[] = [
  {
    code: 'BASIC',
    name: '基础体检套餐',
    description: '覆盖常见慢性病筛查的基础检查，适合入职体检和每年例行体检。',
    priceFen: 29900,
    gender: 'any',
    minAge: 18,
    maxAge: null,
    notes: '体检前一天晚餐清淡，晚十点后禁食；当日空腹，携带身份证。',
    items: COMMON,
  },
  {
    code: 'MALE-40',
    name: '男性中年体检套餐',
    description: '在基础项目上增加心脑血管、肝胆及前列腺相关筛查。',
    priceFen: 89900,
    gender: 'male',
    minAge: 40,
    maxAge: 75,
    notes: '腹部彩超需空腹；前列腺彩超需憋尿。',
    items: [
      ...COMMON,
      ['血脂四项', '实验室检查', '评估动脉粥样硬化风险'],
      ['前列腺特异性抗原（PSA）', '实验室检查', '前列腺疾病筛查'],
      ['腹部彩超', '影像检查', '肝、胆、胰、脾、肾'],
      ['前列腺彩超', '影像检查', '前列腺增生与占位筛查'],
      ['颈动脉彩超', '影像检查', '颈动脉斑块与狭窄'],
    ],
  },
  {
    code: 'FEMALE',
    name: '女性体检套餐',
    description: '在基础项目上增加乳腺、妇科与甲状腺筛查。',
    priceFen: 79900,
    gender: 'female',
    minAge: 18,
    maxAge: 65,
    notes: '妇科检查请避开月经期；未婚者不做妇科内诊与宫颈TCT。',
    items: [
      ...COMMON,
      ['乳腺彩超', '影像检查', '乳腺结节与占位筛查'],
      ['甲状腺彩超', '影像检查', '甲状腺结节筛查'],
      ['妇科检查', '科室检查', '外阴、阴道、宫颈、子宫附件'],
      ['宫颈液基细胞学（TCT）', '实验室检查', '宫颈癌筛查'],
    ],
  },
  {
    code: 'SENIOR',
    name: '老年体检套餐',
    description: '针对 60 岁以上人群，增加骨密度、心脏与肿瘤标志物检查。',
    priceFen: 109900,
    gender: 'any',
    minAge: 60,
    maxAge: null,
    notes: '请家属陪同；服用降压药者当日可少量饮水服药。',
    items: [
      ...COMMON,
      ['血脂四项', '实验室检查', '评估动脉粥样硬化风险'],
      ['肿瘤标志物（CEA、AFP）', '实验室检查', '消化道与肝脏肿瘤筛查'],
      ['骨密度', '功能检查', '骨质疏松筛查'],
      ['心脏彩超', '影像检查', '心脏结构与功能'],
      ['腹部彩超', '影像检查', '肝、胆、胰、脾、肾'],
    ],
  },
];

const DAYS_OPEN = 30;
const DAILY_CAPACITY = 40;

/**
 * Demo exam packages with their items, open Monday to Saturday for the next 30 days (counted from the
 * clock at seed time) with 40 places a day. Idempotent: packages are unique by code and capacity rows
 * by package and date; an existing package keeps its items and capacity as operators left them.
 */
export const examsSeed: SeedStep = {
  name: 'exams',
  async run(ctx: AppContext) {
    const now = ctx.clock.now();
    let wrote = false;
    for (const [sort, p] of PACKAGES.entries()) {
      const [row] = await ctx.db
        .insert(examPackages)
        .values({
          id: newId(),
          code: p.code,
          name: p.name,
          description: p.description,
          priceFen: p.priceFen,
          gender: p.gender,
          minAge: p.minAge,
          maxAge: p.maxAge,
          notes: p.notes,
          sort,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) continue;
      wrote = true;
      await ctx.db.insert(examPackageItems).values(
        p.items.map(([name, category, meaning], seq) => ({
          id: newId(),
          packageId: row.id,
          seq,
          name,
          category,
          meaning,
        })),
      );
      const today = dayjs(hospitalDay(now, ctx.config.HOSPITAL_TIMEZONE));
      const dates = Array.from({ length: DAYS_OPEN }, (_, i) => today.add(i + 1, 'day')).filter(
        (d) => d.day() !== 0,
      );
      await ctx.db
        .insert(examCapacity)
        .values(
          dates.map((d) => ({
            packageId: row.id,
            examDate: d.format('YYYY-MM-DD'),
            capacity: DAILY_CAPACITY,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing();
    }
    return wrote;
  },
};
