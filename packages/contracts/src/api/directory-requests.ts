// Request schemas of the directory module (its routes import them from here through
// modules/directory/schemas.ts): the same schema validates a request, documents it in
// OpenAPI and types the service input. Business checks with their own error codes (an empty
// title, a negative price, an unknown department) live in the services, not here.
import { z } from 'zod';
import { paging } from './common.js';

export const text = (max: number) => z.string().max(max);
const html = text(200_000);
/** Images and links shown to patients: http(s) or a path on this server, never javascript:. */
export const safeUrl = z
  .string()
  .max(1000)
  .refine((u) => u === '' || /^(https?:\/\/|\/(?!\/))/i.test(u), {
    message: 'http(s) or /path URL expected',
  });
const sort = z.number().int().min(-100000).max(100000);
export const id = z.string().min(1).max(64);
/** A search box: trimmed, short. */
export const searchText = z.string().trim().max(50).optional();

export const doctorTitleSchema = z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']);
export const articleKindSchema = z.enum([
  'announcement',
  'guide',
  'education',
  'knowledge',
  'encyclopedia',
  'news',
]);

/** Fee categories of the public price list, in display order. */
export const PRICE_CATEGORIES = [
  '西药',
  '中成药',
  '中草药',
  '检查',
  '检验',
  '治疗',
  '手术',
  '材料',
  '床位',
  '护理',
] as const;
export const priceCategorySchema = z.enum(PRICE_CATEGORIES);

export const idParams = z.object({ id }).strict();

export const pageQuery = paging();

export const leaderSchema = z
  .object({
    name: text(50),
    position: text(100),
    photoUrl: safeUrl.optional(),
    introduction: text(2000).optional(),
  })
  .strict();

export const hospitalInput = z
  .object({
    name: text(100),
    level: text(50).default(''),
    introduction: html.default(''),
    scale: text(5000).default(''),
    history: html.default(''),
    honours: z.array(text(200)).max(200).default([]),
    leadership: z.array(leaderSchema).max(50).default([]),
    rules: html.default(''),
    phone: text(50).default(''),
    website: safeUrl.default(''),
    logoUrl: safeUrl.default(''),
  })
  .strict();
export type HospitalInput = z.infer<typeof hospitalInput>;

export const campusInput = z
  .object({
    name: text(100),
    address: text(300),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    phone: text(50).optional(),
    openingHours: text(500).optional(),
    transport: text(2000).optional(),
    sitePlanUrl: safeUrl.optional(),
    sort: sort.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type CampusInput = z.infer<typeof campusInput>;

export const buildingInput = z
  .object({
    campusId: id,
    name: text(100),
    description: text(2000).optional(),
    sort: sort.optional(),
  })
  .strict();
export type BuildingInput = z.infer<typeof buildingInput>;

export const floorInput = z
  .object({
    buildingId: id,
    label: text(20),
    level: z.number().int().min(-10).max(200),
    floorPlanUrl: safeUrl.optional(),
    facilities: z.array(text(100)).max(100).optional(),
  })
  .strict();
export type FloorInput = z.infer<typeof floorInput>;

export const departmentInput = z
  .object({
    code: text(32),
    name: text(100),
    parentId: id.nullable().optional(),
    campusId: id.nullable().optional(),
    floorId: id.nullable().optional(),
    location: text(200).optional(),
    phone: text(50).optional(),
    introduction: html.optional(),
    strengths: text(5000).optional(),
    scope: text(5000).optional(),
    staffing: text(2000).optional(),
    sort: sort.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type DepartmentInput = z.infer<typeof departmentInput>;

export const doctorInput = z
  .object({
    code: text(32),
    name: text(50),
    title: doctorTitleSchema,
    gender: z.enum(['male', 'female']),
    photoUrl: safeUrl.optional(),
    specialties: z.array(text(100)).max(30).optional(),
    introduction: text(10000).optional(),
    departmentIds: z.array(id).max(10),
    enabled: z.boolean().optional(),
    sort: sort.optional(),
  })
  .strict();
export type DoctorInput = z.infer<typeof doctorInput>;

export const articleCategoryInput = z
  .object({
    kind: articleKindSchema,
    name: text(50),
    enabled: z.boolean().optional(),
    sort: sort.optional(),
  })
  .strict();
export type ArticleCategoryInput = z.infer<typeof articleCategoryInput>;

export const articleInput = z
  .object({
    categoryId: id,
    title: text(200),
    summary: text(500).optional(),
    coverUrl: safeUrl.optional(),
    body: html.optional(),
    source: z.enum(['original', 'reprint']).optional(),
    sourceName: text(100).optional(),
    author: text(50).optional(),
  })
  .strict();
export type ArticleInput = z.infer<typeof articleInput>;

export const priceItemInput = z
  .object({
    code: text(32),
    name: text(200),
    category: priceCategorySchema,
    spec: text(200).optional(),
    unit: text(20).optional(),
    // a number on the wire, checked by the service (integer fen, not negative) for a clear code
    priceFen: z.number(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type PriceItemInput = z.infer<typeof priceItemInput>;

export const featuredDisciplineInput = z
  .object({
    departmentId: id,
    title: text(100),
    description: text(2000).optional(),
    imageUrl: safeUrl.optional(),
    sort: sort.optional(),
  })
  .strict();
export type FeaturedDisciplineInput = z.infer<typeof featuredDisciplineInput>;

export const recommendedDoctorInput = z
  .object({
    doctorId: id,
    reason: text(500).optional(),
    sort: sort.optional(),
  })
  .strict();
export type RecommendedDoctorInput = z.infer<typeof recommendedDoctorInput>;
