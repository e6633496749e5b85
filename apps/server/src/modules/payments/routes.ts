import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';

export const paymentsModule: Module = {
  name: 'payments',
  async register(_app: FastifyInstance, _ctx: AppContext) {},
};
