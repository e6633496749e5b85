/** Response schemas of the directory module's routes (derived from what the handlers return). */
import { z } from 'zod';
import { Timestamp } from './common.js';

export const DepartmentLookup = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
});
export type DepartmentLookup = z.infer<typeof DepartmentLookup>;

export const DoctorLookup = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  titleZh: z.string(),
  departmentIds: z.array(z.string()),
});
export type DoctorLookup = z.infer<typeof DoctorLookup>;

export const Leader = z.object({
  name: z.string(),
  position: z.string(),
  photoUrl: z.string().optional(),
  introduction: z.string().optional(),
});
export type Leader = z.infer<typeof Leader>;

export const DoctorSummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  title: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']),
  titleLabel: z.object({ zh: z.string(), en: z.string() }),
  gender: z.enum(['male', 'female']),
  photoUrl: z.string(),
  specialties: z.array(z.string()),
  introduction: z.string(),
  enabled: z.boolean(),
  departments: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
});
export type DoctorSummary = z.infer<typeof DoctorSummary>;

export const AdminLookupDepartmentsListResponse = z.object({ items: z.array(DepartmentLookup) });
export type AdminLookupDepartmentsListResponse = z.infer<typeof AdminLookupDepartmentsListResponse>;

export const AdminLookupDoctorsListResponse = z.object({ items: z.array(DoctorLookup) });
export type AdminLookupDoctorsListResponse = z.infer<typeof AdminLookupDoctorsListResponse>;

export const HospitalListResponse = z.object({
  keyDepartments: z.array(z.object({ id: z.string(), name: z.string() })),
  name: z.string(),
  level: z.string(),
  introduction: z.string(),
  scale: z.string(),
  history: z.string(),
  honours: z.array(z.string()),
  leadership: z.array(Leader),
  rules: z.string(),
  phone: z.string(),
  website: z.string(),
  logoUrl: z.string(),
  updatedAt: Timestamp,
});
export type HospitalListResponse = z.infer<typeof HospitalListResponse>;

/** One campus with its address and contact. */
export const CampusView = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  phone: z.string(),
  openingHours: z.string(),
  transport: z.string(),
  sitePlanUrl: z.string(),
  sort: z.number(),
  enabled: z.boolean(),
  navigationUrl: z.string(),
  routeUrls: z.object({ drive: z.string(), bus: z.string(), walk: z.string() }),
});
export type CampusView = z.infer<typeof CampusView>;

export const CampusesListResponse = z.object({
  items: z.array(CampusView),
});
export type CampusesListResponse = z.infer<typeof CampusesListResponse>;

export const CampusesGetResponse = z.object({
  buildings: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      floors: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          level: z.number(),
          floorPlanUrl: z.string(),
          facilities: z.array(z.string()),
          departments: z.array(z.object({ id: z.string(), name: z.string(), location: z.string() })),
        }),
      ),
    }),
  ),
  id: z.string(),
  name: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  phone: z.string(),
  openingHours: z.string(),
  transport: z.string(),
  sitePlanUrl: z.string(),
  sort: z.number(),
  enabled: z.boolean(),
  navigationUrl: z.string(),
  routeUrls: z.object({ drive: z.string(), bus: z.string(), walk: z.string() }),
});
export type CampusesGetResponse = z.infer<typeof CampusesGetResponse>;

export const FloorsPlanSvgListResponse = z.string();
export type FloorsPlanSvgListResponse = z.infer<typeof FloorsPlanSvgListResponse>;

export const DepartmentsListResponse = z.object({
  items: z.array(
    z.object({
      children: z.array(
        z.object({
          id: z.string(),
          code: z.string(),
          name: z.string(),
          parentId: z.string().nullable(),
          campusId: z.string().nullable(),
          location: z.string(),
          sort: z.number(),
        }),
      ),
      id: z.string(),
      code: z.string(),
      name: z.string(),
      parentId: z.string().nullable(),
      campusId: z.string().nullable(),
      location: z.string(),
      sort: z.number(),
    }),
  ),
});
export type DepartmentsListResponse = z.infer<typeof DepartmentsListResponse>;

export const DepartmentsGetResponse = z.object({
  doctors: z.array(DoctorSummary),
  campus: z.object({ id: z.string(), name: z.string(), navigationUrl: z.string() }).nullable(),
  floor: z
    .object({ id: z.string(), label: z.string(), buildingId: z.string(), buildingName: z.string() })
    .nullable(),
  parent: z.object({ id: z.string(), name: z.string() }).nullable(),
  children: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      parentId: z.string().nullable(),
      campusId: z.string().nullable(),
      location: z.string(),
      sort: z.number(),
    }),
  ),
  phone: z.string(),
  introduction: z.string(),
  strengths: z.string(),
  scope: z.string(),
  staffing: z.string(),
  id: z.string(),
  code: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  campusId: z.string().nullable(),
  location: z.string(),
  sort: z.number(),
});
export type DepartmentsGetResponse = z.infer<typeof DepartmentsGetResponse>;

export const DoctorsListResponse = z.object({
  items: z.array(DoctorSummary),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type DoctorsListResponse = z.infer<typeof DoctorsListResponse>;

export const DoctorsGetResponse = z.object({
  schedules: z.array(z.unknown()),
  followerCount: z.number(),
  id: z.string(),
  code: z.string(),
  name: z.string(),
  title: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']),
  titleLabel: z.object({ zh: z.string(), en: z.string() }),
  gender: z.enum(['male', 'female']),
  photoUrl: z.string(),
  specialties: z.array(z.string()),
  introduction: z.string(),
  enabled: z.boolean(),
  departments: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
});
export type DoctorsGetResponse = z.infer<typeof DoctorsGetResponse>;

export const DoctorsFollowPostResponse = z.object({ doctorId: z.string(), following: z.boolean() });
export type DoctorsFollowPostResponse = z.infer<typeof DoctorsFollowPostResponse>;

export const DoctorsFollowDeleteResponse = z.object({ doctorId: z.string(), following: z.boolean() });
export type DoctorsFollowDeleteResponse = z.infer<typeof DoctorsFollowDeleteResponse>;

export const MeFollowedDoctorsListResponse = z.object({
  items: z.array(
    z.object({
      followedAt: z.string(),
      id: z.string(),
      code: z.string(),
      name: z.string(),
      title: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']),
      titleLabel: z.object({ zh: z.string(), en: z.string() }),
      gender: z.enum(['male', 'female']),
      photoUrl: z.string(),
      specialties: z.array(z.string()),
      introduction: z.string(),
      enabled: z.boolean(),
      departments: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
    }),
  ),
});
export type MeFollowedDoctorsListResponse = z.infer<typeof MeFollowedDoctorsListResponse>;

/** One article category. */
export const ArticleCategoryView = z.object({
  id: z.string(),
  kind: z.enum(['announcement', 'guide', 'education', 'knowledge', 'encyclopedia', 'news']),
  kindLabel: z.object({ zh: z.string(), en: z.string() }),
  name: z.string(),
  enabled: z.boolean(),
  sort: z.number(),
});
export type ArticleCategoryView = z.infer<typeof ArticleCategoryView>;

export const ArticleCategoriesListResponse = z.object({
  items: z.array(ArticleCategoryView),
});
export type ArticleCategoriesListResponse = z.infer<typeof ArticleCategoriesListResponse>;

export const ArticlesListResponse = z.object({
  items: z.array(z.unknown()),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type ArticlesListResponse = z.infer<typeof ArticlesListResponse>;

/** One article with its body and publication state. */
export const ArticleView = z.object({
  body: z.string().optional(),
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  coverUrl: z.string(),
  category: z.object({
    id: z.string(),
    kind: z.enum(['announcement', 'guide', 'education', 'knowledge', 'encyclopedia', 'news']),
    name: z.string(),
  }),
  source: z.enum(['original', 'reprint']),
  sourceName: z.string(),
  author: z.string(),
  status: z.enum(['draft', 'published']),
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type ArticleView = z.infer<typeof ArticleView>;

export const ArticlesGetResponse = ArticleView;
export type ArticlesGetResponse = z.infer<typeof ArticlesGetResponse>;

/** One item of the public price list. */
export const PriceItemView = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  category: z.string(),
  spec: z.string(),
  unit: z.string(),
  priceFen: z.number(),
  pinyinInitials: z.string(),
  enabled: z.boolean(),
  updatedAt: z.string(),
});
export type PriceItemView = z.infer<typeof PriceItemView>;

export const PricesListResponse = z.object({
  items: z.array(PriceItemView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type PricesListResponse = z.infer<typeof PricesListResponse>;

export const PriceCategoriesListResponse = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() })),
});
export type PriceCategoriesListResponse = z.infer<typeof PriceCategoriesListResponse>;

export const FeaturedDisciplinesListResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      departmentId: z.string(),
      departmentName: z.string(),
      title: z.string(),
      description: z.string(),
      imageUrl: z.string(),
      sort: z.number(),
    }),
  ),
});
export type FeaturedDisciplinesListResponse = z.infer<typeof FeaturedDisciplinesListResponse>;

export const RecommendedDoctorsListResponse = z.object({
  items: z.array(z.object({ id: z.string(), reason: z.string(), sort: z.number(), doctor: DoctorSummary })),
});
export type RecommendedDoctorsListResponse = z.infer<typeof RecommendedDoctorsListResponse>;

/** The hospital's profile. */
export const HospitalView = z.object({
  id: z.string(),
  name: z.string(),
  level: z.string(),
  introduction: z.string(),
  scale: z.string(),
  history: z.string(),
  honours: z.array(z.string()),
  leadership: z.array(Leader),
  rules: z.string(),
  phone: z.string(),
  website: z.string(),
  logoUrl: z.string(),
  updatedAt: Timestamp,
});
export type HospitalView = z.infer<typeof HospitalView>;

export const AdminHospitalListResponse = HospitalView;
export type AdminHospitalListResponse = z.infer<typeof AdminHospitalListResponse>;

export const AdminHospitalPutResponse = HospitalView;
export type AdminHospitalPutResponse = z.infer<typeof AdminHospitalPutResponse>;

export const AdminCampusesListResponse = z.object({
  items: z.array(CampusView),
});
export type AdminCampusesListResponse = z.infer<typeof AdminCampusesListResponse>;

export const AdminCampusesPostResponse = CampusView;
export type AdminCampusesPostResponse = z.infer<typeof AdminCampusesPostResponse>;

export const AdminCampusesPatchResponse = CampusView;
export type AdminCampusesPatchResponse = z.infer<typeof AdminCampusesPatchResponse>;

/** One building as the console lists and edits it. */
export const AdminBuildingView = z.object({
  id: z.string(),
  campusId: z.string(),
  name: z.string(),
  description: z.string(),
  sort: z.number(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AdminBuildingView = z.infer<typeof AdminBuildingView>;

export const AdminBuildingsListResponse = z.object({
  items: z.array(AdminBuildingView),
});
export type AdminBuildingsListResponse = z.infer<typeof AdminBuildingsListResponse>;

export const AdminBuildingsPostResponse = z.object({
  description: z.string(),
  sort: z.number(),
  id: z.string(),
  name: z.string(),
  updatedAt: Timestamp,
  createdAt: Timestamp,
  campusId: z.string(),
});
export type AdminBuildingsPostResponse = z.infer<typeof AdminBuildingsPostResponse>;

export const AdminBuildingsPatchResponse = AdminBuildingView;
export type AdminBuildingsPatchResponse = z.infer<typeof AdminBuildingsPatchResponse>;

/** One floor as the console lists and edits it. */
export const AdminFloorView = z.object({
  id: z.string(),
  buildingId: z.string(),
  label: z.string(),
  level: z.number(),
  floorPlanUrl: z.string(),
  facilities: z.array(z.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AdminFloorView = z.infer<typeof AdminFloorView>;

export const AdminFloorsListResponse = z.object({
  items: z.array(AdminFloorView),
});
export type AdminFloorsListResponse = z.infer<typeof AdminFloorsListResponse>;

export const AdminFloorsPostResponse = z.object({
  id: z.string(),
  level: z.number(),
  updatedAt: Timestamp,
  createdAt: Timestamp,
  buildingId: z.string(),
  label: z.string(),
  floorPlanUrl: z.string(),
  facilities: z.array(z.string()),
});
export type AdminFloorsPostResponse = z.infer<typeof AdminFloorsPostResponse>;

export const AdminFloorsPatchResponse = AdminFloorView;
export type AdminFloorsPatchResponse = z.infer<typeof AdminFloorsPatchResponse>;

/** One department as the console lists and edits it. */
export const AdminDepartmentView = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  nameInitials: z.string(),
  campusId: z.string().nullable(),
  floorId: z.string().nullable(),
  location: z.string(),
  phone: z.string(),
  introduction: z.string(),
  strengths: z.string(),
  scope: z.string(),
  staffing: z.string(),
  sort: z.number(),
  enabled: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AdminDepartmentView = z.infer<typeof AdminDepartmentView>;

export const AdminDepartmentsListResponse = z.object({
  items: z.array(AdminDepartmentView),
});
export type AdminDepartmentsListResponse = z.infer<typeof AdminDepartmentsListResponse>;

export const AdminDepartmentsPostResponse = z.object({
  location: z.string(),
  sort: z.number(),
  id: z.string(),
  name: z.string(),
  introduction: z.string(),
  phone: z.string(),
  updatedAt: Timestamp,
  createdAt: Timestamp,
  parentId: z.string().nullable(),
  code: z.string(),
  nameInitials: z.string(),
  campusId: z.string().nullable(),
  floorId: z.string().nullable(),
  strengths: z.string(),
  scope: z.string(),
  staffing: z.string(),
  enabled: z.boolean(),
});
export type AdminDepartmentsPostResponse = z.infer<typeof AdminDepartmentsPostResponse>;

export const AdminDepartmentsPatchResponse = AdminDepartmentView;
export type AdminDepartmentsPatchResponse = z.infer<typeof AdminDepartmentsPatchResponse>;

export const AdminDoctorsListResponse = DoctorsListResponse;
export type AdminDoctorsListResponse = z.infer<typeof AdminDoctorsListResponse>;

/** One doctor as the console edits it. */
export const AdminDoctorView = z.object({
  title: z.enum(['chief_physician', 'associate_chief', 'attending', 'resident']),
  sort: z.number(),
  id: z.string(),
  name: z.string(),
  introduction: z.string(),
  updatedAt: Timestamp,
  createdAt: Timestamp,
  code: z.string(),
  nameInitials: z.string(),
  enabled: z.boolean(),
  gender: z.enum(['male', 'female']),
  photoUrl: z.string(),
  specialties: z.array(z.string()),
  departmentIds: z.array(z.string()),
});
export type AdminDoctorView = z.infer<typeof AdminDoctorView>;

export const AdminDoctorsGetResponse = AdminDoctorView;
export type AdminDoctorsGetResponse = z.infer<typeof AdminDoctorsGetResponse>;

export const AdminDoctorsPostResponse = AdminDoctorView;
export type AdminDoctorsPostResponse = z.infer<typeof AdminDoctorsPostResponse>;

export const AdminDoctorsPatchResponse = AdminDoctorView;
export type AdminDoctorsPatchResponse = z.infer<typeof AdminDoctorsPatchResponse>;

/** One featured discipline as the console lists and edits it. */
export const AdminFeaturedDisciplineView = z.object({
  id: z.string(),
  departmentId: z.string(),
  title: z.string(),
  description: z.string(),
  imageUrl: z.string(),
  sort: z.number(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AdminFeaturedDisciplineView = z.infer<typeof AdminFeaturedDisciplineView>;

export const AdminFeaturedDisciplinesListResponse = z.object({
  items: z.array(AdminFeaturedDisciplineView),
});
export type AdminFeaturedDisciplinesListResponse = z.infer<typeof AdminFeaturedDisciplinesListResponse>;

export const AdminFeaturedDisciplinesPostResponse = z.object({
  departmentId: z.string(),
  title: z.string(),
  description: z.string(),
  sort: z.number(),
  id: z.string(),
  updatedAt: Timestamp,
  imageUrl: z.string(),
  createdAt: Timestamp,
});
export type AdminFeaturedDisciplinesPostResponse = z.infer<typeof AdminFeaturedDisciplinesPostResponse>;

export const AdminFeaturedDisciplinesPatchResponse = AdminFeaturedDisciplineView;
export type AdminFeaturedDisciplinesPatchResponse = z.infer<typeof AdminFeaturedDisciplinesPatchResponse>;

/** One recommended doctor as the console lists and edits it. */
export const AdminRecommendedDoctorView = z.object({
  id: z.string(),
  doctorId: z.string(),
  reason: z.string(),
  sort: z.number(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AdminRecommendedDoctorView = z.infer<typeof AdminRecommendedDoctorView>;

export const AdminRecommendedDoctorsListResponse = z.object({
  items: z.array(AdminRecommendedDoctorView),
});
export type AdminRecommendedDoctorsListResponse = z.infer<typeof AdminRecommendedDoctorsListResponse>;

export const AdminRecommendedDoctorsPostResponse = z.object({
  sort: z.number(),
  id: z.string(),
  updatedAt: Timestamp,
  createdAt: Timestamp,
  doctorId: z.string(),
  reason: z.string(),
});
export type AdminRecommendedDoctorsPostResponse = z.infer<typeof AdminRecommendedDoctorsPostResponse>;

export const AdminRecommendedDoctorsPatchResponse = AdminRecommendedDoctorView;
export type AdminRecommendedDoctorsPatchResponse = z.infer<typeof AdminRecommendedDoctorsPatchResponse>;

export const AdminArticleCategoriesListResponse = z.object({
  items: z.array(ArticleCategoryView),
});
export type AdminArticleCategoriesListResponse = z.infer<typeof AdminArticleCategoriesListResponse>;

export const AdminArticleCategoriesPostResponse = ArticleCategoryView;
export type AdminArticleCategoriesPostResponse = z.infer<typeof AdminArticleCategoriesPostResponse>;

export const AdminArticleCategoriesPatchResponse = ArticleCategoryView;
export type AdminArticleCategoriesPatchResponse = z.infer<typeof AdminArticleCategoriesPatchResponse>;

export const AdminArticlesListResponse = z.object({
  items: z.array(ArticleView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export type AdminArticlesListResponse = z.infer<typeof AdminArticlesListResponse>;

export const AdminArticlesGetResponse = ArticleView;
export type AdminArticlesGetResponse = z.infer<typeof AdminArticlesGetResponse>;

export const AdminArticlesPostResponse = ArticleView;
export type AdminArticlesPostResponse = z.infer<typeof AdminArticlesPostResponse>;

export const AdminArticlesPatchResponse = ArticleView;
export type AdminArticlesPatchResponse = z.infer<typeof AdminArticlesPatchResponse>;

export const AdminArticlesPublishPostResponse = ArticleView;
export type AdminArticlesPublishPostResponse = z.infer<typeof AdminArticlesPublishPostResponse>;

export const AdminArticlesUnpublishPostResponse = ArticleView;
export type AdminArticlesUnpublishPostResponse = z.infer<typeof AdminArticlesUnpublishPostResponse>;

export const AdminPriceItemsListResponse = PricesListResponse;
export type AdminPriceItemsListResponse = z.infer<typeof AdminPriceItemsListResponse>;

export const AdminPriceItemsGetResponse = PriceItemView;
export type AdminPriceItemsGetResponse = z.infer<typeof AdminPriceItemsGetResponse>;

export const AdminPriceItemsPostResponse = PriceItemView;
export type AdminPriceItemsPostResponse = z.infer<typeof AdminPriceItemsPostResponse>;

export const AdminPriceItemsPatchResponse = PriceItemView;
export type AdminPriceItemsPatchResponse = z.infer<typeof AdminPriceItemsPatchResponse>;
