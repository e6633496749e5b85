import type { AppContext } from '../../platform/context.js';
import { seedSteps } from './steps.js';

/**
 * Seeds the demo hospital when the database has none. Idempotent: each step checks before it
 * writes, so running it twice changes nothing. Never called by a production start.
 */
export async function seedDemo(ctx: AppContext): Promise<boolean> {
  let any = false;
  for (const step of seedSteps) {
    if (await step.run(ctx)) any = true;
  }
  return any;
}
