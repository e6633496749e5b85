import { loadConfig } from '../../config.js';
import { openDatabase } from '../client.js';
import { migrate } from '../migrate.js';
import { buildApp } from '../../app.js';
import { seedDemo } from './index.js';

const config = loadConfig();
const database = await openDatabase(config);
await migrate(database);
const app = await buildApp({ config, database, logger: false });
console.log((await seedDemo(app.ctx)) ? 'demo data seeded' : 'demo data already present');
await app.close();
await database.close();
