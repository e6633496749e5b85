import type { AppContext } from '../../platform/context.js';

export interface SeedStep {
  name: string;
  /** returns true when it wrote something */
  run(ctx: AppContext): Promise<boolean>;
}

export const seedSteps: SeedStep[] = [];
