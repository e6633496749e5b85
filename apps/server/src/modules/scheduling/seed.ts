import type { SeedStep } from '../../db/seed/steps.js';
import type { AppContext } from '../../platform/context.js';
import { getDepartmentTree, listDoctorsOfDepartment } from '../directory/index.js';
import { scheduleTemplates } from './schema.js';
import { generateSchedules, type TemplateInput } from './service.js';

/**
 * Demo schedules: a template for every demo doctor in each of their departments, then schedules for
 * the next 14 days counted from the clock at seed time. Levels follow the doctor's title (chief →
 * special or expert, associate → expert, others general); some general clinics are free (义诊) so the
 * zero-fee path shows in the demo. Idempotent: templates are unique per doctor+department+shift and
 * generation skips existing days.
 */
export const schedulingSeed: SeedStep = {
  name: 'scheduling',
  async run(ctx: AppContext) {
    const now = ctx.clock.now();
    const templates: (TemplateInput & { id: string; createdAt: Date; updatedAt: Date })[] = [];
    const tree = await getDepartmentTree(ctx);
    let i = 0;
    for (const parent of tree) {
      for (const dept of parent.children) {
        const doctors = await listDoctorsOfDepartment(ctx, dept.id);
        for (const doc of doctors) {
          i++;
          const level =
            doc.title === 'chief_physician'
              ? i % 3 === 0
                ? 'special'
                : 'expert'
              : doc.title === 'associate_chief'
                ? 'expert'
                : 'general';
          const feeFen = level === 'special' ? 10000 : level === 'expert' ? 3000 : i % 4 === 0 ? 0 : 1000;
          // Morning on three weekdays, afternoon on two others, alternating between doctors.
          const morning = i % 2 === 0 ? [1, 3, 5, 6] : [2, 4, 6, 7];
          const afternoon = i % 2 === 0 ? [2, 4, 7] : [1, 3, 5];
          for (const [shiftCode, weekdays] of [
            ['morning', morning],
            ['afternoon', afternoon],
          ] as const) {
            templates.push({
              id: `tpl-${doc.id}-${dept.id}-${shiftCode}`.slice(0, 120),
              doctorId: doc.id,
              departmentId: dept.id,
              weekdays: [...weekdays],
              shiftCode,
              segmentMinutes: 60,
              slotsPerSegment: level === 'general' ? 5 : 3,
              level,
              feeFen,
              enabled: true,
              createdAt: now,
              updatedAt: now,
            });
          }
        }
      }
    }
    let wrote = false;
    if (templates.length > 0) {
      const inserted = await ctx.db
        .insert(scheduleTemplates)
        .values(templates)
        .onConflictDoNothing()
        .returning({ id: scheduleTemplates.id });
      wrote = inserted.length > 0;
    }
    const { created } = await generateSchedules(ctx, { days: 14 });
    return wrote || created > 0;
  },
};
