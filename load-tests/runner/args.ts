/** Command line of `npm run load -- <name|path> [--env KEY=VAL]… [--out json=FILE]`. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface CliArgs {
  script: string;
  env: Record<string, string>;
  outJsonPath?: string;
  /** Flags handed to a real k6 unchanged (`--env`, `--out`, and anything else). */
  k6Flags: string[];
  forceBuiltin: boolean;
}

/** Parses argv (without node and script); `scriptDir` is where bare scenario names live. */
export function parseArgs(argv: string[], scriptDir: string): CliArgs {
  const env: Record<string, string> = {};
  const k6Flags: string[] = [];
  let outJsonPath: string | undefined;
  let script: string | undefined;
  let forceBuiltin = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (flag: string): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (a === '--builtin') forceBuiltin = true;
    else if (a === '-e' || a === '--env' || a.startsWith('--env=')) {
      const kv = value('--env');
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got "${kv}"`);
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
      k6Flags.push('--env', kv);
    } else if (a === '-o' || a === '--out' || a.startsWith('--out=')) {
      const out = value('--out');
      if (!out.startsWith('json=')) throw new Error(`only --out json=FILE is implemented, got "${out}"`);
      outJsonPath = out.slice('json='.length);
      k6Flags.push('--out', out);
    } else if (a.startsWith('-')) throw new Error(`unknown flag ${a}`);
    else if (script === undefined) script = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!script) throw new Error('usage: npm run load -- <scenario-name|script.js> [--env KEY=VAL]... [--out json=FILE] [--builtin]');
  const candidates = [isAbsolute(script) ? script : resolve(script), resolve(scriptDir, `${script}.js`), resolve(scriptDir, script)];
  const found = candidates.find((c) => existsSync(c) && c.endsWith('.js'));
  if (!found) throw new Error(`no k6 script "${script}" (looked for ${candidates.join(', ')})`);
  return { script: found, env, outJsonPath, k6Flags, forceBuiltin };
}
