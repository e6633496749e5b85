import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { createHisSim, type HisSim, type HisSimOptions } from '../../../../packages/his-sim/src/index.js';
import { ControlledClock } from '../platform/clock.js';
import { createTestApp, TEST_CLOCK_START, type TestApp, type TestAppOptions } from './harness.js';
import { loginStaff } from './staff.js';

export interface PlatformWithHisSim {
  t: TestApp;
  sim: HisSim;
  /** an admin's access token */
  admin: string;
  /** closes the simulator, then the platform */
  close(): Promise<void>;
}

/**
 * Starts the reference HIS simulator with these options and a platform that talks to it over HTTP
 * (HIS_PROVIDER=http, plus `config`), listening on a free port; opens a `his_counter` channel
 * allowed `operations` and connects the simulator to the platform with that channel's credentials,
 * so it drives the platform only through the signed integration API, as a hospital's HIS does.
 */
export async function startPlatformWithHisSim(opts: {
  sim: HisSimOptions;
  operations: string[];
  config?: Record<string, string>;
  adapters?: TestAppOptions['adapters'];
}): Promise<PlatformWithHisSim> {
  // the platform signs its calls with the test's clock; the simulator checks them against it
  const clock = new ControlledClock(TEST_CLOCK_START);
  const sim = await createHisSim({ platformClock: () => clock.now(), ...opts.sim });
  let t: TestApp | undefined;
  const close = async () => {
    await sim.close();
    await t?.close();
  };
  try {
    t = await createTestApp({
      config: {
        HIS_PROVIDER: 'http',
        HIS_URL: sim.url,
        HIS_TIMEOUT_MS: '5000',
        ACCESS_TOKEN_TTL_SECONDS: '86400',
        ...opts.config,
      },
      adapters: opts.adapters,
      clock,
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = (await loginStaff(t, 'admin')).token;
    const channel = await t.api.post('/api/v1/admin/channels', {
      token: admin,
      body: {
        code: `his-sim-${randomBytes(3).toString('hex')}`,
        name: '院内 HIS（模拟器）',
        kind: 'his_counter',
        allowedOperations: opts.operations,
      },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const port = (t.app.server.address() as AddressInfo).port;
    sim.connect(`http://127.0.0.1:${port}`, { appId: channel.body.appId, secret: channel.body.secret });
    return { t, sim, admin, close };
  } catch (err) {
    await close();
    throw err;
  }
}
