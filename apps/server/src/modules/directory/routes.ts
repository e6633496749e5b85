import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import type { Module } from '../index.js';
import {
  followDoctor,
  getCampusDetail,
  getDepartmentDetail,
  getDepartmentTree,
  getDoctorCard,
  getHospital,
  listCampuses,
  listFeaturedDisciplines,
  listFollowedDoctors,
  listRecommendedDoctors,
  searchDoctors,
  unfollowDoctor,
} from './service.js';
import { getPublishedArticle, listArticleCategories, listPublishedArticles } from './content.js';
import { listPriceCategories, searchPrices } from './prices.js';
import { floorPlanSvg } from './floor-plan.js';
import { doctorTitleSchema, id, idParams, pageQuery, priceCategorySchema, searchText } from './schemas.js';
import { registerDirectoryAdminRoutes } from './admin-routes.js';
import { registerDirectoryLookupRoutes } from './lookup.js';
import { readCache } from '../../platform/read-cache.js';
import {
  ArticleCategoriesListResponse,
  ArticlesGetResponse,
  ArticlesListResponse,
  CampusesGetResponse,
  CampusesListResponse,
  DepartmentsGetResponse,
  DepartmentsListResponse,
  DoctorsFollowDeleteResponse,
  DoctorsFollowPostResponse,
  DoctorsGetResponse,
  DoctorsListResponse,
  FeaturedDisciplinesListResponse,
  FloorsPlanSvgListResponse,
  HospitalListResponse,
  MeFollowedDoctorsListResponse,
  PriceCategoriesListResponse,
  PricesListResponse,
  RecommendedDoctorsListResponse,
} from '@qingnang/contracts';

export const directoryModule: Module = {
  name: 'directory',
  async register(app: FastifyInstance, ctx: AppContext) {
    registerPublicRoutes(app, ctx);
    registerDirectoryAdminRoutes(app, ctx);
    registerDirectoryLookupRoutes(app, ctx);
  },
};

const q = searchText;

function registerPublicRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['directory'];

  app.get(
    '/v1/hospital',
    { schema: { tags, summary: '医院介绍 Hospital overview', response: { 200: HospitalListResponse } } },
    () => getHospital(ctx),
  );

  app.get(
    '/v1/campuses',
    { schema: { tags, summary: '院区 Campuses', response: { 200: CampusesListResponse } } },
    async () => ({
      items: await listCampuses(ctx),
    }),
  );

  app.get(
    '/v1/campuses/:id',
    {
      schema: {
        tags,
        summary: '院区楼宇、楼层与科室分布 Campus site plan',
        params: idParams,
        response: { 200: CampusesGetResponse },
      },
    },
    (req) => getCampusDetail(ctx, req.params.id),
  );

  app.get(
    '/v1/floors/:id/plan.svg',
    {
      schema: {
        tags,
        summary: '楼层平面示意图 Schematic floor plan (SVG)',
        params: idParams,
        response: { 200: FloorsPlanSvgListResponse },
      },
    },
    async (req, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(await floorPlanSvg(ctx, req.params.id)),
  );

  app.get(
    '/v1/departments',
    {
      schema: {
        tags,
        summary: '两级科室（可按名称或拼音简码筛选） Department tree',
        querystring: z.object({ q }).strict(),
        response: { 200: DepartmentsListResponse },
      },
    },
    (req) => readCache(ctx).get(req.url, async () => ({ items: await getDepartmentTree(ctx, req.query.q) })),
  );

  app.get(
    '/v1/departments/:id',
    {
      schema: {
        tags,
        summary: '科室介绍 Department',
        params: idParams,
        response: { 200: DepartmentsGetResponse },
      },
    },
    (req) => getDepartmentDetail(ctx, req.params.id),
  );

  app.get(
    '/v1/doctors',
    {
      schema: {
        tags,
        summary: '医生查询（姓名、拼音简码、擅长） Doctor search',
        querystring: z
          .object({
            q,
            departmentId: id.optional(),
            title: doctorTitleSchema.optional(),
            ...pageQuery,
          })
          .strict(),
        response: { 200: DoctorsListResponse },
      },
    },
    (req) => readCache(ctx).get(req.url, () => searchDoctors(ctx, req.query)),
  );

  app.get(
    '/v1/doctors/:id',
    {
      schema: {
        tags,
        summary: '医生介绍 Doctor profile',
        params: idParams,
        response: { 200: DoctorsGetResponse },
      },
    },
    (req) => getDoctorCard(ctx, req.params.id),
  );

  app.post(
    '/v1/doctors/:id/follow',
    {
      preHandler: requirePatient(ctx),
      schema: {
        tags,
        summary: '关注医生 Follow a doctor',
        params: idParams,
        security: [{ bearer: [] }],
        response: { 200: DoctorsFollowPostResponse },
      },
    },
    (req) => followDoctor(ctx, principalOf(req).id, req.params.id),
  );

  app.delete(
    '/v1/doctors/:id/follow',
    {
      preHandler: requirePatient(ctx),
      schema: {
        tags,
        summary: '取消关注 Unfollow a doctor',
        params: idParams,
        security: [{ bearer: [] }],
        response: { 200: DoctorsFollowDeleteResponse },
      },
    },
    (req) => unfollowDoctor(ctx, principalOf(req).id, req.params.id),
  );

  app.get(
    '/v1/me/followed-doctors',
    {
      preHandler: requirePatient(ctx),
      schema: {
        tags,
        summary: '我关注的医生 Followed doctors',
        security: [{ bearer: [] }],
        response: { 200: MeFollowedDoctorsListResponse },
      },
    },
    async (req) => ({ items: await listFollowedDoctors(ctx, principalOf(req).id) }),
  );

  app.get(
    '/v1/article-categories',
    {
      schema: {
        tags,
        summary: '资讯分类 Article categories',
        response: { 200: ArticleCategoriesListResponse },
      },
    },
    async () => ({
      items: await listArticleCategories(ctx),
    }),
  );

  app.get(
    '/v1/articles',
    {
      schema: {
        tags,
        summary: '公告、指引、宣教、知识、百科 Published articles',
        querystring: z.object({ category: id.optional(), q, ...pageQuery }).strict(),
        response: { 200: ArticlesListResponse },
      },
    },
    (req) => listPublishedArticles(ctx, req.query),
  );

  app.get(
    '/v1/articles/:id',
    {
      schema: { tags, summary: '文章详情 Article', params: idParams, response: { 200: ArticlesGetResponse } },
    },
    (req) => getPublishedArticle(ctx, req.params.id),
  );

  app.get(
    '/v1/prices',
    {
      schema: {
        tags,
        summary: '价格公示（名称或简码模糊查询） Price list',
        querystring: z.object({ q, category: priceCategorySchema.optional(), ...pageQuery }).strict(),
        response: { 200: PricesListResponse },
      },
    },
    (req) => searchPrices(ctx, req.query),
  );

  app.get(
    '/v1/price-categories',
    { schema: { tags, summary: '收费类别 Fee categories', response: { 200: PriceCategoriesListResponse } } },
    async () => ({
      items: await listPriceCategories(ctx),
    }),
  );

  app.get(
    '/v1/featured-disciplines',
    {
      schema: {
        tags,
        summary: '特色优势学科 Featured disciplines',
        response: { 200: FeaturedDisciplinesListResponse },
      },
    },
    async () => ({ items: await listFeaturedDisciplines(ctx) }),
  );

  app.get(
    '/v1/recommended-doctors',
    {
      schema: {
        tags,
        summary: '推荐医生 Recommended doctors',
        response: { 200: RecommendedDoctorsListResponse },
      },
    },
    async () => ({ items: await listRecommendedDoctors(ctx) }),
  );
}
