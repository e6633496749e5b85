// Mirrors migrations/0300_directory.sql for typed queries.
import {
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { DoctorTitle, ArticleKind, ArticleStatus } from '@qingnang/contracts';

/** The states and kinds this module stores are the contracts' unions, shared with the web apps. */
export type { DoctorTitle, ArticleKind, ArticleStatus } from '@qingnang/contracts';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface Leader {
  name: string;
  position: string;
  photoUrl?: string;
  introduction?: string;
}

export const hospital = pgTable('hospital', {
  id: text('id').primaryKey().default('hospital'),
  name: text('name').notNull(),
  level: text('level').notNull().default(''),
  introduction: text('introduction').notNull().default(''),
  scale: text('scale').notNull().default(''),
  history: text('history').notNull().default(''),
  honours: jsonb('honours').$type<string[]>().notNull().default([]),
  leadership: jsonb('leadership').$type<Leader[]>().notNull().default([]),
  rules: text('rules').notNull().default(''),
  phone: text('phone').notNull().default(''),
  website: text('website').notNull().default(''),
  logoUrl: text('logo_url').notNull().default(''),
  updatedAt: tz('updated_at').notNull(),
});

export const campuses = pgTable('campuses', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
  phone: text('phone').notNull().default(''),
  openingHours: text('opening_hours').notNull().default(''),
  transport: text('transport').notNull().default(''),
  sitePlanUrl: text('site_plan_url').notNull().default(''),
  sort: integer('sort').notNull().default(0),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const buildings = pgTable('buildings', {
  id: text('id').primaryKey(),
  campusId: text('campus_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const floors = pgTable('floors', {
  id: text('id').primaryKey(),
  buildingId: text('building_id').notNull(),
  label: text('label').notNull(),
  level: integer('level').notNull(),
  floorPlanUrl: text('floor_plan_url').notNull().default(''),
  facilities: jsonb('facilities').$type<string[]>().notNull().default([]),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const departments = pgTable('departments', {
  id: text('id').primaryKey(),
  parentId: text('parent_id'),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  nameInitials: text('name_initials').notNull().default(''),
  campusId: text('campus_id'),
  floorId: text('floor_id'),
  location: text('location').notNull().default(''),
  phone: text('phone').notNull().default(''),
  introduction: text('introduction').notNull().default(''),
  strengths: text('strengths').notNull().default(''),
  scope: text('scope').notNull().default(''),
  staffing: text('staffing').notNull().default(''),
  sort: integer('sort').notNull().default(0),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const doctors = pgTable('doctors', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  nameInitials: text('name_initials').notNull().default(''),
  title: text('title').$type<DoctorTitle>().notNull(),
  gender: text('gender').$type<'male' | 'female'>().notNull(),
  photoUrl: text('photo_url').notNull().default(''),
  specialties: text('specialties').array().notNull().default([]),
  introduction: text('introduction').notNull().default(''),
  enabled: boolean('enabled').notNull().default(true),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const doctorDepartments = pgTable(
  'doctor_departments',
  {
    doctorId: text('doctor_id').notNull(),
    departmentId: text('department_id').notNull(),
    sort: integer('sort').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.doctorId, t.departmentId] })],
);

export const articleCategories = pgTable('article_categories', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<ArticleKind>().notNull(),
  name: text('name').notNull().unique(),
  enabled: boolean('enabled').notNull().default(true),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const articles = pgTable('articles', {
  id: text('id').primaryKey(),
  categoryId: text('category_id').notNull(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  coverUrl: text('cover_url').notNull().default(''),
  body: text('body').notNull().default(''),
  source: text('source').$type<'original' | 'reprint'>().notNull().default('original'),
  sourceName: text('source_name').notNull().default(''),
  author: text('author').notNull().default(''),
  status: text('status').$type<ArticleStatus>().notNull().default('draft'),
  publishedAt: tz('published_at'),
  createdBy: text('created_by'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const priceItems = pgTable('price_items', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  spec: text('spec').notNull().default(''),
  unit: text('unit').notNull().default(''),
  priceFen: integer('price_fen').notNull(),
  pinyinInitials: text('pinyin_initials').notNull().default(''),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const featuredDisciplines = pgTable('featured_disciplines', {
  id: text('id').primaryKey(),
  departmentId: text('department_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  imageUrl: text('image_url').notNull().default(''),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const recommendedDoctors = pgTable('recommended_doctors', {
  id: text('id').primaryKey(),
  doctorId: text('doctor_id').notNull().unique(),
  reason: text('reason').notNull().default(''),
  sort: integer('sort').notNull().default(0),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const doctorFollows = pgTable(
  'doctor_follows',
  {
    accountId: text('account_id').notNull(),
    doctorId: text('doctor_id').notNull(),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.doctorId] })],
);
