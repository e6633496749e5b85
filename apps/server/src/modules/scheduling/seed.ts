import type { SeedStep } from '../../db/seed/steps.js';

export const schedulingSeed: SeedStep = {
  name: 'scheduling',
  async run() {
    return false;
  },
};
