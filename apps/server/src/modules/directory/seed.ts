import type { SeedStep } from '../../db/seed/steps.js';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import {
  articleCategories,
  articles,
  buildings,
  campuses,
  departments,
  doctorDepartments,
  doctors,
  featuredDisciplines,
  floors,
  hospital,
  priceItems,
  recommendedDoctors,
  type ArticleKind,
  type DoctorTitle,
} from './schema.js';
import {
  DEMO_ARTICLE_CATEGORIES,
  DEMO_ARTICLES,
  DEMO_CAMPUSES,
  DEMO_DEPARTMENT_TREE,
  DEMO_FEATURED,
  DEMO_HOSPITAL,
  DEMO_RECOMMENDED,
  DEMO_SECOND_DEPARTMENTS,
  GIVEN_NAMES,
  SURNAMES,
  UNIVERSITIES,
} from './seed-data.js';
import { DEMO_PRICE_LIST } from './seed-prices.js';
import { DOCTOR_TITLES } from './service.js';
import { pinyinInitials } from './pinyin.js';

/** Codes of demo records that tests and other modules' seeds look up (by code, never by id). */
export const DEMO_CODES = {
  departments: {
    internalMedicine: 'NK',
    cardiology: 'NK01',
    respiratory: 'NK02',
    gastroenterology: 'NK03',
    endocrinology: 'NK04',
    neurology: 'NK05',
    nephrology: 'NK06',
    surgery: 'WK',
    orthopaedics: 'WK02',
    paediatrics: 'EK01',
    ophthalmology: 'WGK01',
    emergency: 'QT04',
  },
  /** the chief physician of 心血管内科, and a doctor who works in two departments */
  doctors: { cardiologyChief: 'D0001', twoDepartments: 'D0014' },
  prices: { insulin: 'XY0001' },
} as const;

/**
 * The demo hospital 青囊市第一人民医院: two campuses, 32 departments in two levels, about 95
 * doctors, 370 price items, 24 articles. Written in one transaction with batch inserts (it runs
 * whenever the test template is built); skipped when the hospital row exists.
 */
export const directorySeed: SeedStep = {
  name: 'directory',
  async run(ctx: AppContext) {
    const existing = await ctx.db.select({ id: hospital.id }).from(hospital);
    if (existing.length > 0) return false;
    const now = ctx.clock.now();
    const stamp = { createdAt: now, updatedAt: now };

    await ctx.db.transaction(async (tx) => {
      await tx.insert(hospital).values({ id: 'hospital', ...DEMO_HOSPITAL, updatedAt: now });

      // campuses, buildings, floors
      const floorIds = new Map<string, string>();
      const campusIds = new Map<string, string>();
      const campusRows: (typeof campuses.$inferInsert)[] = [];
      const buildingRows: (typeof buildings.$inferInsert)[] = [];
      const floorRows: (typeof floors.$inferInsert)[] = [];
      DEMO_CAMPUSES.forEach((c, ci) => {
        const campusId = newId();
        campusIds.set(c.key, campusId);
        const { key: _k, buildings: bs, ...fields } = c;
        campusRows.push({ id: campusId, ...fields, sort: ci, ...stamp });
        bs.forEach((b, bi) => {
          const buildingId = newId();
          buildingRows.push({
            id: buildingId,
            campusId,
            name: b.name,
            description: b.description,
            sort: bi,
            ...stamp,
          });
          for (const [label, level, facilities] of b.floors) {
            const id = newId();
            floorIds.set(`${c.key}/${b.key}/${label}`, id);
            floorRows.push({ id, buildingId, label, level, facilities, floorPlanUrl: '', ...stamp });
          }
        });
      });
      await tx.insert(campuses).values(campusRows);
      await tx.insert(buildings).values(buildingRows);
      await tx.insert(floors).values(floorRows);

      // departments (parents, then children) and doctors
      const deptIds = new Map<string, string>();
      const parents: (typeof departments.$inferInsert)[] = [];
      const children: (typeof departments.$inferInsert)[] = [];
      const doctorRows: (typeof doctors.$inferInsert)[] = [];
      const links: (typeof doctorDepartments.$inferInsert)[] = [];
      const doctorsByDept = new Map<string, string[]>();
      let n = 0;
      DEMO_DEPARTMENT_TREE.forEach((p, pi) => {
        const parentId = newId();
        deptIds.set(p.code, parentId);
        parents.push({ id: parentId, ...departmentFields(p), sort: pi, ...stamp });
        p.children.forEach((d, di) => {
          const id = newId();
          deptIds.set(d.code, id);
          const campusKey = d.floor?.split('/')[0];
          children.push({
            id,
            parentId,
            ...departmentFields(d),
            campusId: campusKey ? campusIds.get(campusKey)! : null,
            floorId: d.floor ? floorIds.get(d.floor)! : null,
            sort: di,
            ...stamp,
          });
          const titles = titlesFor(d.doctors ?? 3);
          const ids: string[] = [];
          titles.forEach((title, k) => {
            const doctor = makeDoctor(n++, title, d.name, d.specialties ?? [], k);
            doctorRows.push({ ...doctor, sort: k, ...stamp });
            links.push({ doctorId: doctor.id, departmentId: id, sort: 0 });
            ids.push(doctor.id);
          });
          doctorsByDept.set(d.code, ids);
        });
      });
      for (const [dept, k, second] of DEMO_SECOND_DEPARTMENTS) {
        links.push({ doctorId: doctorsByDept.get(dept)![k], departmentId: deptIds.get(second)!, sort: 1 });
      }
      await tx.insert(departments).values(parents);
      await tx.insert(departments).values(children);
      await tx.insert(doctors).values(doctorRows);
      await tx.insert(doctorDepartments).values(links);

      await tx.insert(featuredDisciplines).values(
        DEMO_FEATURED.map(([code, title, description], i) => ({
          id: newId(),
          departmentId: deptIds.get(code)!,
          title,
          description,
          imageUrl: '',
          sort: i,
          ...stamp,
        })),
      );
      await tx.insert(recommendedDoctors).values(
        DEMO_RECOMMENDED.map(([code, reason], i) => ({
          id: newId(),
          doctorId: doctorsByDept.get(code)![0],
          reason,
          sort: i,
          ...stamp,
        })),
      );

      // articles
      const categoryIds = new Map<string, string>();
      await tx.insert(articleCategories).values(
        DEMO_ARTICLE_CATEGORIES.map((c, i) => {
          const id = newId();
          categoryIds.set(c.kind, id);
          return { id, kind: c.kind as ArticleKind, name: c.name, enabled: true, sort: i, ...stamp };
        }),
      );
      await tx.insert(articles).values(
        DEMO_ARTICLES.map(([kind, title, summary, paragraphs, status], i) => {
          // newest first in the list: article i was published i+1 days ago (in demo time)
          const at = new Date(now.getTime() - (i + 1) * 86400_000);
          return {
            id: newId(),
            categoryId: categoryIds.get(kind)!,
            title,
            summary,
            body: paragraphs.map((p) => `<p>${p}</p>`).join(''),
            author: kind === 'news' ? '党委宣传部' : '医务部',
            status,
            publishedAt: status === 'published' ? at : null,
            createdAt: at,
            updatedAt: at,
          };
        }),
      );

      // price list
      const priceRows: (typeof priceItems.$inferInsert)[] = [];
      for (const [category, prefix, block] of DEMO_PRICE_LIST) {
        block
          .trim()
          .split('\n')
          .forEach((line, i) => {
            const [name, spec, unit, yuan] = line.split('|');
            priceRows.push({
              id: newId(),
              code: `${prefix}${String(i + 1).padStart(4, '0')}`,
              name,
              category,
              spec,
              unit,
              // the demo list is written in yuan; money is stored in integer fen
              priceFen: Math.round(Number(yuan) * 100),
              pinyinInitials: pinyinInitials(name),
              ...stamp,
            });
          });
      }
      await tx.insert(priceItems).values(priceRows);
    });
    return true;
  },
};

function departmentFields(d: {
  code: string;
  name: string;
  location?: string;
  introduction: string;
  strengths: string;
  scope: string;
  staffing: string;
}) {
  return {
    code: d.code,
    name: d.name,
    nameInitials: pinyinInitials(d.name),
    location: d.location ?? '',
    phone: '',
    introduction: `<p>${d.introduction}</p>`,
    strengths: d.strengths,
    scope: d.scope,
    staffing: d.staffing,
  };
}

function titlesFor(count: number): DoctorTitle[] {
  if (count >= 5) return ['chief_physician', 'chief_physician', 'associate_chief', 'attending', 'resident'];
  if (count === 4) return ['chief_physician', 'associate_chief', 'attending', 'resident'];
  return ['chief_physician', 'associate_chief', 'attending'];
}

// Deterministic names: j -> (7j mod 50, 13j mod 48) repeats only after lcm(50, 48) = 1200 doctors.
function makeDoctor(j: number, title: DoctorTitle, deptName: string, specialties: string[], k: number) {
  const [given, gender] = GIVEN_NAMES[(j * 13) % GIVEN_NAMES.length];
  const name = SURNAMES[(j * 7) % SURNAMES.length] + given;
  const picked = [0, 1, 2].map((x) => specialties[(k * 2 + x) % specialties.length]).filter(Boolean);
  const mine = [...new Set(picked)];
  const years = { chief_physician: 26, associate_chief: 16, attending: 9, resident: 3 }[title] + (j % 6);
  const degree = title === 'resident' ? '医学硕士' : j % 3 === 0 ? '医学硕士' : '医学博士';
  const role =
    title === 'chief_physician'
      ? k === 0
        ? `现任${deptName}主任、学科带头人，兼任省医学会相关专科分会委员，硕士研究生导师。`
        : '兼任省医师协会相关专科分会委员，主持省级科研课题多项。'
      : title === 'associate_chief'
        ? '曾赴国内知名医院进修学习，发表SCI及核心期刊论文十余篇。'
        : '规范化培训合格，临床基本功扎实，耐心细致。';
  return {
    id: newId(),
    code: `D${String(j + 1).padStart(4, '0')}`,
    name,
    nameInitials: pinyinInitials(name),
    title,
    gender,
    photoUrl: '',
    specialties: mine,
    introduction:
      `${name}，${DOCTOR_TITLES[title].zh}，${degree}，毕业于${UNIVERSITIES[j % UNIVERSITIES.length]}。` +
      `从事${deptName}临床工作${years}年，擅长${mine.join('、')}的诊治。${role}`,
    enabled: true,
  };
}
