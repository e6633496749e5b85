import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { systemModule } from './system/routes.js';

export interface Module {
  name: string;
  /** Registers routes (under /api) and jobs. */
  register(app: FastifyInstance, ctx: AppContext): Promise<void>;
}

export const modules: Module[] = [systemModule];
