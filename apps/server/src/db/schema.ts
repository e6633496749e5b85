// Every module's Drizzle tables, gathered for the client. The SQL in migrations/ is the source of
// truth for the database; these definitions mirror it for typed queries.
export * from '../platform/schema.js';
