import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('system endpoints', () => {
  it('reports alive and ready with migrations applied', async () => {
    expect((await t.api.get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await t.api.get('/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });

  it('publishes the OpenAPI document', async () => {
    const res = await t.api.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
  });

  it('answers an unknown API route with a problem+json 404', async () => {
    const res = await t.api.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    expect(res.body.message.zh).toBeTruthy();
  });

  it('sets security headers and echoes a request id', async () => {
    const res = await t.api.get('/api/health', { headers: { 'x-request-id': 'req-12345678' } });
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
