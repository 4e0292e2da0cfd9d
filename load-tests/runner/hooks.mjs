// Module resolve hook (node:module register): maps the k6 built-in specifiers to the runner's
// shims, so a k6 script is imported unchanged by Node's own ESM loader.
const shims = {
  k6: 'k6.ts',
  'k6/http': 'k6-http.ts',
  'k6/metrics': 'k6-metrics.ts',
  'k6/execution': 'k6-execution.ts',
  'k6/crypto': 'k6-crypto.ts',
};

export async function resolve(specifier, context, nextResolve) {
  if (Object.hasOwn(shims, specifier)) {
    // Resolved on through the chain so tsx (registered earlier) marks the .ts shim for its loader.
    return nextResolve(new URL(`./shims/${shims[specifier]}`, import.meta.url).href, context);
  }
  if (specifier.startsWith('https://jslib.k6.io/k6-summary/')) {
    return nextResolve(new URL('./shims/k6-summary.ts', import.meta.url).href, context);
  }
  if (specifier.startsWith('k6/') || specifier.startsWith('https://')) {
    throw new Error(`the Dockside k6 runner does not implement "${specifier}" (see load-tests/README.md)`);
  }
  return nextResolve(specifier, context);
}
