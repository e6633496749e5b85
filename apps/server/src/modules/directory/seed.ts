import type { SeedStep } from '../../db/seed/steps.js';

export const directorySeed: SeedStep = {
  name: 'directory',
  async run() {
    return false;
  },
};
