import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundary rule itself is under test: a domain file importing transport must fail lint.
describe('domain purity lint rule', () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  it.each(['fastify', 'bullmq', 'socket.io', 'ioredis', 'jsonwebtoken', '@fastify/cors'])(
    'rejects %s imported from domain/',
    async (pkg) => {
      const [res] = await eslint.lintText(`import x from '${pkg}';\nexport const y = x;\n`, { filePath: 'domain/inventory/bad.ts' });
      expect(res!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    },
  );

  it('allows the same import outside domain/', async () => {
    const [res] = await eslint.lintText(`import x from 'fastify';\nexport const y = x;\n`, { filePath: 'api/ok.ts' });
    expect(res!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(0);
  });

  it('allows zod and MikroORM in domain/', async () => {
    const [res] = await eslint.lintText(
      `import { z } from 'zod';\nimport type { EntityManager } from '@mikro-orm/postgresql';\nexport const s = z.string();\nexport type E = EntityManager;\n`,
      { filePath: 'domain/inventory/ok.ts' },
    );
    expect(res!.messages).toHaveLength(0);
  });
});
