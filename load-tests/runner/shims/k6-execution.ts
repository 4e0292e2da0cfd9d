/** Shim of `k6/execution` (the fields our scripts use), read from the current VU's context. */
import { runtime } from '../runtime.js';

const ctx = () => runtime().als.getStore();

const execution = {
  scenario: {
    get name() {
      return ctx()?.scenario ?? '';
    },
    get executor() {
      return ctx()?.executor ?? '';
    },
    get startTime() {
      return ctx()?.scenarioStartMs ?? 0;
    },
    get iterationInTest() {
      return ctx()?.iterationInTest ?? 0;
    },
    get iterationInInstance() {
      return ctx()?.iterationInScenario ?? 0;
    },
  },
  vu: {
    get idInTest() {
      return ctx()?.vuId ?? 0;
    },
    get idInInstance() {
      return ctx()?.vuId ?? 0;
    },
    get iterationInScenario() {
      return ctx()?.vuIteration ?? 0;
    },
    get iterationInInstance() {
      return ctx()?.vuIteration ?? 0;
    },
  },
  test: {
    /** Stops scheduling new iterations and ends the run with exit code 108, as in k6. */
    abort(reason = 'test aborted') {
      runtime().aborted = reason;
      throw new Error(`test aborted: ${reason}`);
    },
  },
};

export const { scenario, vu, test } = execution;
export default execution;
