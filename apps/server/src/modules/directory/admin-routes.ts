// Console routes of the directory module under /v1/admin/...: directory.manage for the hospital,
// campuses, buildings, floors, departments, doctors, featured disciplines and recommended doctors;
// content.manage for articles and their categories; prices.manage for the price list.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { requireStaff } from '../../platform/auth.js';
import * as admin from './admin.js';
import * as content from './content.js';
import * as prices from './prices.js';
import { getDoctor, searchDoctors } from './service.js';
import {
  id,
  searchText,
  articleCategoryInput,
  articleInput,
  buildingInput,
  campusInput,
  departmentInput,
  doctorInput,
  doctorTitleSchema,
  featuredDisciplineInput,
  floorInput,
  hospitalInput,
  idParams,
  pageQuery,
  priceCategorySchema,
  priceItemInput,
  recommendedDoctorInput,
} from './schemas.js';
import {
  AdminArticleCategoriesListResponse,
  AdminArticleCategoriesPatchResponse,
  AdminArticleCategoriesPostResponse,
  AdminArticlesGetResponse,
  AdminArticlesListResponse,
  AdminArticlesPatchResponse,
  AdminArticlesPostResponse,
  AdminArticlesPublishPostResponse,
  AdminArticlesUnpublishPostResponse,
  AdminBuildingsListResponse,
  AdminBuildingsPatchResponse,
  AdminBuildingsPostResponse,
  AdminCampusesListResponse,
  AdminCampusesPatchResponse,
  AdminCampusesPostResponse,
  AdminDepartmentsListResponse,
  AdminDepartmentsPatchResponse,
  AdminDepartmentsPostResponse,
  AdminDoctorsGetResponse,
  AdminDoctorsListResponse,
  AdminDoctorsPatchResponse,
  AdminDoctorsPostResponse,
  AdminFeaturedDisciplinesListResponse,
  AdminFeaturedDisciplinesPatchResponse,
  AdminFeaturedDisciplinesPostResponse,
  AdminFloorsListResponse,
  AdminFloorsPatchResponse,
  AdminFloorsPostResponse,
  AdminHospitalListResponse,
  AdminHospitalPutResponse,
  AdminPriceItemsGetResponse,
  AdminPriceItemsListResponse,
  AdminPriceItemsPatchResponse,
  AdminPriceItemsPostResponse,
  AdminRecommendedDoctorsListResponse,
  AdminRecommendedDoctorsPatchResponse,
  AdminRecommendedDoctorsPostResponse,
  NoContent,
} from '@qingnang/contracts';

const q = searchText;
const security = [{ bearer: [] }];

export function registerDirectoryAdminRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const directory = { preHandler: requireStaff(ctx, 'directory.manage') };
  const contentPerm = { preHandler: requireStaff(ctx, 'content.manage') };
  const pricesPerm = { preHandler: requireStaff(ctx, 'prices.manage') };
  const dirTags = ['admin: directory'];
  const contentTags = ['admin: content'];
  const priceTags = ['admin: prices'];

  // hospital
  app.get(
    '/v1/admin/hospital',
    { ...directory, schema: { tags: dirTags, security, response: { 200: AdminHospitalListResponse } } },
    () => admin.getHospitalForAdmin(ctx),
  );
  app.put(
    '/v1/admin/hospital',
    {
      ...directory,
      schema: { tags: dirTags, security, body: hospitalInput, response: { 200: AdminHospitalPutResponse } },
    },
    (req) => admin.putHospital(ctx, req, req.body),
  );

  // campuses
  app.get(
    '/v1/admin/campuses',
    { ...directory, schema: { tags: dirTags, security, response: { 200: AdminCampusesListResponse } } },
    async () => ({
      items: await admin.listCampusesForAdmin(ctx),
    }),
  );
  app.post(
    '/v1/admin/campuses',
    {
      ...directory,
      schema: { tags: dirTags, security, body: campusInput, response: { 201: AdminCampusesPostResponse } },
    },
    async (req, reply) => reply.code(201).send(await admin.createCampus(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/campuses/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: campusInput.partial(),
        response: { 200: AdminCampusesPatchResponse },
      },
    },
    (req) => admin.updateCampus(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/campuses/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteCampus(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // buildings
  app.get(
    '/v1/admin/buildings',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        querystring: z.object({ campusId: id.optional() }).strict(),
        response: { 200: AdminBuildingsListResponse },
      },
    },
    async (req) => ({ items: await admin.listBuildings(ctx, req.query.campusId) }),
  );
  app.post(
    '/v1/admin/buildings',
    {
      ...directory,
      schema: { tags: dirTags, security, body: buildingInput, response: { 201: AdminBuildingsPostResponse } },
    },
    async (req, reply) => reply.code(201).send(await admin.createBuilding(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/buildings/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: buildingInput.partial(),
        response: { 200: AdminBuildingsPatchResponse },
      },
    },
    (req) => admin.updateBuilding(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/buildings/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteBuilding(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // floors
  app.get(
    '/v1/admin/floors',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        querystring: z.object({ buildingId: id.optional() }).strict(),
        response: { 200: AdminFloorsListResponse },
      },
    },
    async (req) => ({ items: await admin.listFloors(ctx, req.query.buildingId) }),
  );
  app.post(
    '/v1/admin/floors',
    {
      ...directory,
      schema: { tags: dirTags, security, body: floorInput, response: { 201: AdminFloorsPostResponse } },
    },
    async (req, reply) => reply.code(201).send(await admin.createFloor(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/floors/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: floorInput.partial(),
        response: { 200: AdminFloorsPatchResponse },
      },
    },
    (req) => admin.updateFloor(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/floors/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteFloor(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // departments
  app.get(
    '/v1/admin/departments',
    { ...directory, schema: { tags: dirTags, security, response: { 200: AdminDepartmentsListResponse } } },
    async () => ({
      items: await admin.listDepartmentsForAdmin(ctx),
    }),
  );
  app.post(
    '/v1/admin/departments',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        body: departmentInput,
        response: { 201: AdminDepartmentsPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await admin.createDepartment(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/departments/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: departmentInput.partial(),
        response: { 200: AdminDepartmentsPatchResponse },
      },
    },
    (req) => admin.updateDepartment(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/departments/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteDepartment(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // doctors
  app.get(
    '/v1/admin/doctors',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        querystring: z
          .object({
            q,
            departmentId: id.optional(),
            title: doctorTitleSchema.optional(),
            ...pageQuery,
          })
          .strict(),
        response: { 200: AdminDoctorsListResponse },
      },
    },
    (req) => searchDoctors(ctx, { ...req.query, includeDisabled: true }),
  );
  app.get(
    '/v1/admin/doctors/:id',
    {
      ...directory,
      schema: { tags: dirTags, security, params: idParams, response: { 200: AdminDoctorsGetResponse } },
    },
    (req) => getDoctor(ctx, req.params.id),
  );
  app.post(
    '/v1/admin/doctors',
    {
      ...directory,
      schema: { tags: dirTags, security, body: doctorInput, response: { 201: AdminDoctorsPostResponse } },
    },
    async (req, reply) => reply.code(201).send(await admin.createDoctor(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/doctors/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: doctorInput.partial(),
        response: { 200: AdminDoctorsPatchResponse },
      },
    },
    (req) => admin.updateDoctor(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/doctors/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteDoctor(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // featured disciplines
  app.get(
    '/v1/admin/featured-disciplines',
    {
      ...directory,
      schema: { tags: dirTags, security, response: { 200: AdminFeaturedDisciplinesListResponse } },
    },
    async () => ({
      items: await admin.listFeaturedForAdmin(ctx),
    }),
  );
  app.post(
    '/v1/admin/featured-disciplines',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        body: featuredDisciplineInput,
        response: { 201: AdminFeaturedDisciplinesPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await admin.createFeatured(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/featured-disciplines/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: featuredDisciplineInput.partial(),
        response: { 200: AdminFeaturedDisciplinesPatchResponse },
      },
    },
    (req) => admin.updateFeatured(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/featured-disciplines/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteFeatured(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // recommended doctors
  app.get(
    '/v1/admin/recommended-doctors',
    {
      ...directory,
      schema: { tags: dirTags, security, response: { 200: AdminRecommendedDoctorsListResponse } },
    },
    async () => ({
      items: await admin.listRecommendedForAdmin(ctx),
    }),
  );
  app.post(
    '/v1/admin/recommended-doctors',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        body: recommendedDoctorInput,
        response: { 201: AdminRecommendedDoctorsPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await admin.createRecommended(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/recommended-doctors/:id',
    {
      ...directory,
      schema: {
        tags: dirTags,
        security,
        params: idParams,
        body: recommendedDoctorInput.omit({ doctorId: true }).partial(),
        response: { 200: AdminRecommendedDoctorsPatchResponse },
      },
    },
    (req) => admin.updateRecommended(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/recommended-doctors/:id',
    { ...directory, schema: { tags: dirTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await admin.deleteRecommended(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // article categories (ADM-06)
  app.get(
    '/v1/admin/article-categories',
    {
      ...contentPerm,
      schema: { tags: contentTags, security, response: { 200: AdminArticleCategoriesListResponse } },
    },
    async () => ({
      items: await content.listArticleCategoriesForAdmin(ctx),
    }),
  );
  app.post(
    '/v1/admin/article-categories',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        body: articleCategoryInput,
        response: { 201: AdminArticleCategoriesPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await content.createArticleCategory(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/article-categories/:id',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        params: idParams,
        body: articleCategoryInput.partial(),
        response: { 200: AdminArticleCategoriesPatchResponse },
      },
    },
    (req) => content.updateArticleCategory(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/article-categories/:id',
    {
      ...contentPerm,
      schema: { tags: contentTags, security, params: idParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      await content.deleteArticleCategory(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // articles (ADM-07)
  app.get(
    '/v1/admin/articles',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        querystring: z
          .object({
            category: id.optional(),
            status: z.enum(['draft', 'published']).optional(),
            q,
            ...pageQuery,
          })
          .strict(),
        response: { 200: AdminArticlesListResponse },
      },
    },
    (req) => content.listArticlesForAdmin(ctx, req.query),
  );
  app.get(
    '/v1/admin/articles/:id',
    {
      ...contentPerm,
      schema: { tags: contentTags, security, params: idParams, response: { 200: AdminArticlesGetResponse } },
    },
    (req) => content.getArticleForAdmin(ctx, req.params.id),
  );
  app.post(
    '/v1/admin/articles',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        body: articleInput,
        response: { 201: AdminArticlesPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await content.createArticle(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/articles/:id',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        params: idParams,
        body: articleInput.partial(),
        response: { 200: AdminArticlesPatchResponse },
      },
    },
    (req) => content.updateArticle(ctx, req, req.params.id, req.body),
  );
  app.post(
    '/v1/admin/articles/:id/publish',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        params: idParams,
        response: { 200: AdminArticlesPublishPostResponse },
      },
    },
    (req) => content.publishArticle(ctx, req, req.params.id),
  );
  app.post(
    '/v1/admin/articles/:id/unpublish',
    {
      ...contentPerm,
      schema: {
        tags: contentTags,
        security,
        params: idParams,
        response: { 200: AdminArticlesUnpublishPostResponse },
      },
    },
    (req) => content.unpublishArticle(ctx, req, req.params.id),
  );
  app.delete(
    '/v1/admin/articles/:id',
    {
      ...contentPerm,
      schema: { tags: contentTags, security, params: idParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      await content.deleteArticle(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );

  // price items
  app.get(
    '/v1/admin/price-items',
    {
      ...pricesPerm,
      schema: {
        tags: priceTags,
        security,
        querystring: z.object({ q, category: priceCategorySchema.optional(), ...pageQuery }).strict(),
        response: { 200: AdminPriceItemsListResponse },
      },
    },
    (req) => prices.searchPrices(ctx, { ...req.query, includeDisabled: true }),
  );
  app.get(
    '/v1/admin/price-items/:id',
    {
      ...pricesPerm,
      schema: { tags: priceTags, security, params: idParams, response: { 200: AdminPriceItemsGetResponse } },
    },
    (req) => prices.getPriceItem(ctx, req.params.id),
  );
  app.post(
    '/v1/admin/price-items',
    {
      ...pricesPerm,
      schema: {
        tags: priceTags,
        security,
        body: priceItemInput,
        response: { 201: AdminPriceItemsPostResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await prices.createPriceItem(ctx, req, req.body)),
  );
  app.patch(
    '/v1/admin/price-items/:id',
    {
      ...pricesPerm,
      schema: {
        tags: priceTags,
        security,
        params: idParams,
        body: priceItemInput.partial(),
        response: { 200: AdminPriceItemsPatchResponse },
      },
    },
    (req) => prices.updatePriceItem(ctx, req, req.params.id, req.body),
  );
  app.delete(
    '/v1/admin/price-items/:id',
    { ...pricesPerm, schema: { tags: priceTags, security, params: idParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await prices.deletePriceItem(ctx, req, req.params.id);
      return reply.code(204).send();
    },
  );
}
