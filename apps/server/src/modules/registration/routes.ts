import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import type { Module } from '../index.js';

export const registrationModule: Module = {
  name: 'registration',
  async register(_app: FastifyInstance, _ctx: AppContext) {},
};
