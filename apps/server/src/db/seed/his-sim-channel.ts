import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { piiCipher } from '../../modules/identity/index.js';
import { integrationChannels, type IntegrationOperation } from '../../modules/gateway/index.js';
import type { SeedStep } from './steps.js';

/** The demo integration channel his-sim signs its pushes with (its secret is HIS_SIM_CHANNEL_SECRET). */
export const HIS_SIM_APP_ID = 'qn-his-sim';

const OPERATIONS: IntegrationOperation[] = [
  'his.visits.push',
  'his.bills.push',
  'his.execution.push',
  'lis.reports.push',
  'pacs.reports.push',
  'his.admissions.push',
  'his.inpatient-charges.push',
  'his.discharge.push',
  'his.discharge-reversal.push',
  'his.prescriptions.push',
];

/**
 * Demo only (DEMO=true and HIS_SIM=true): the channel of the reference HIS simulator, with a
 * secret both sides know from configuration. A changed HIS_SIM_CHANNEL_SECRET is taken over.
 */
export const hisSimChannelSeed: SeedStep = {
  name: 'his-sim integration channel',
  async run(ctx: AppContext) {
    if (!ctx.config.DEMO || !ctx.config.HIS_SIM) return false;
    const cipher = piiCipher(ctx.config);
    const secret = ctx.config.HIS_SIM_CHANNEL_SECRET;
    const now = ctx.clock.now();
    const [existing] = await ctx.db
      .select()
      .from(integrationChannels)
      .where(eq(integrationChannels.appId, HIS_SIM_APP_ID));
    if (existing) {
      const sameSecret = cipher.decrypt(existing.secretEnc) === secret;
      // a demo database seeded before his-sim learned a new push gets the operation added
      const missing = OPERATIONS.filter((op) => !existing.allowedOperations.includes(op));
      if (sameSecret && missing.length === 0) return false;
      await ctx.db
        .update(integrationChannels)
        .set({
          ...(sameSecret ? {} : { secretEnc: cipher.encrypt(secret), secretRotatedAt: now }),
          allowedOperations: [...existing.allowedOperations, ...missing],
          updatedAt: now,
        })
        .where(eq(integrationChannels.id, existing.id));
      return true;
    }
    await ctx.db.insert(integrationChannels).values({
      id: newId(),
      code: 'his-sim',
      name: '院内 HIS（参考模拟器 his-sim）',
      kind: 'his_counter',
      appId: HIS_SIM_APP_ID,
      secretEnc: cipher.encrypt(secret),
      secretRotatedAt: now,
      allowedOperations: OPERATIONS,
      allowedFrom: null,
      allowedUntil: null,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    });
    return true;
  },
};
