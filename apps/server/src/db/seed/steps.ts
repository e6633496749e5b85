import type { AppContext } from '../../platform/context.js';
import { staffLinksSeed, staffSeed } from '../../modules/staff/index.js';
import { directorySeed } from '../../modules/directory/index.js';
import { schedulingSeed } from '../../modules/scheduling/index.js';
import { reportsSeed } from '../../modules/reports/index.js';
import { examsSeed } from '../../modules/exams/index.js';
import { hisSimChannelSeed } from './his-sim-channel.js';

export interface SeedStep {
  name: string;
  /** returns true when it wrote something; must be idempotent */
  run(ctx: AppContext): Promise<boolean>;
}

// Order matters: scheduling needs doctors and departments.
export const seedSteps: SeedStep[] = [
  staffSeed,
  directorySeed,
  staffLinksSeed, // the demo doctor and nurse belong to a department of the directory
  schedulingSeed,
  reportsSeed,
  examsSeed,
];
// Demo only: the reference HIS simulator's integration channel.
seedSteps.push(hisSimChannelSeed);
