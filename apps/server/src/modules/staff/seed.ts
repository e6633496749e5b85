import type { SeedStep } from '../../db/seed/steps.js';

export const staffSeed: SeedStep = {
  name: 'staff',
  async run() {
    return false;
  },
};
