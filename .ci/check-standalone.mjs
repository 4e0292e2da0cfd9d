// The repository must stand alone: no tracked file may reach outside the checkout, neither through
// the team's reading folder that sits beside the checkout (a parent-relative "shared" path) nor through
// an absolute path into a machine's home or work folders (the patterns below). A parent-relative path
// that resolves to a file inside the tree (the imports of domain/shared/) is fine. Runs before setup: node only.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const self = relative(root, new URL(import.meta.url).pathname);

function grep(pattern) {
  try {
    return execFileSync('git', ['grep', '-nI', '-E', pattern, '--', '.', `:(exclude)${self}`], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch (e) {
    if (e.status === 1) return []; // git grep: no match
    throw e;
  }
}

const inTree = (file, spec) => {
  const target = resolve(root, dirname(file), spec);
  if (!(target + sep).startsWith(root + sep)) return false;
  return existsSync(target) || existsSync(target.replace(/\.js$/, '.ts'));
};

const hits = [];
for (const line of grep('\\.\\./shared')) {
  const [file] = line.split(':', 1);
  const specs = line.slice(file.length).match(/(\.\.\/)+shared[^\s'"`)\]]*/g) ?? [];
  if (specs.some((s) => !inTree(file, s))) hits.push(line);
}
hits.push(...grep('(^|["\'`( =:])/(work|home|Users|root)/'));

if (hits.length > 0) {
  console.error('Tracked files reach outside the repository (copy the data in, with a SOURCES.md):');
  for (const h of hits) console.error(`  ${h}`);
  process.exit(1);
}
