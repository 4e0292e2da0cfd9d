/** Stand-in for the jslib k6-summary module (`https://jslib.k6.io/k6-summary/<v>/index.js`): textSummary only. */
import { textSummary as render, type SummaryData } from '../summary.js';

export function textSummary(data: SummaryData, opts: { indent?: string; enableColors?: boolean } = {}): string {
  return render(data, { indent: opts.indent });
}

export default { textSummary };
