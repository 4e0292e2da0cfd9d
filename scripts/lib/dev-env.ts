// Import first in developer tools (seed, migrate, bench): they run against a local setup, so an unset NODE_ENV means
// development here. Servers themselves treat an unset NODE_ENV as production (platform/config.ts).
process.env.NODE_ENV ??= 'development';
export {};
