// Import first in developer tools (seed, migrate, bench): they run against a local setup, so an unset NODE_ENV means
// development here. Servers themselves treat an unset NODE_ENV as production (platform/config.ts).
process.env.NODE_ENV ??= 'development';
// Seeding and benchmark set-up run long bulk statements on purpose.
process.env.DB_STATEMENT_TIMEOUT_MS ??= '0';
export {};
