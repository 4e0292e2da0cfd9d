import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>, name = 'dockside'): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    // Never log credentials, even by accident.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.pin', '*.webhookSecret', '*.refreshToken'],
      censor: '[redacted]',
    },
  });
}
