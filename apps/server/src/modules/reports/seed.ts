import type { SeedStep } from '../../db/seed/steps.js';
import type { AppContext } from '../../platform/context.js';
import { INDICATOR_SEED } from './indicators-data.js';
import { indicatorKb } from './schema.js';

/** The indicator knowledge base (RPT-05): common lab indicators; operators edit them in the console. */
export const reportsSeed: SeedStep = {
  name: 'reports',
  async run(ctx: AppContext) {
    const now = ctx.clock.now();
    const written = await ctx.db
      .insert(indicatorKb)
      .values(
        INDICATOR_SEED.map((i) => ({
          code: i.code,
          name: i.name,
          aliases: i.aliases,
          category: i.category,
          unit: i.unit,
          meaning: i.meaning,
          highMeaning: i.high,
          lowMeaning: i.low,
          advice: i.advice,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ code: indicatorKb.code });
    return written.length > 0;
  },
};
