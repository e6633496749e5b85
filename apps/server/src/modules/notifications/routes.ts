import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';

export const notificationsModule: Module = {
  name: 'notifications',
  async register(_app: FastifyInstance, _ctx: AppContext) {},
};
