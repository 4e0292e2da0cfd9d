/** Shim of `k6/metrics`: Trend, Counter, Rate, Gauge with add(value, tags). */
import { baseTags, runtime } from '../runtime.js';
import type { MetricType, Tags } from '../metrics.js';

class Metric {
  readonly name: string;
  constructor(name: string, type: MetricType, isTime: boolean) {
    this.name = name;
    runtime().metrics.define(name, type, isTime ? 'time' : 'default');
  }
  add(value: number | boolean, tags: Tags = {}): void {
    runtime().metrics.add(this.name, Number(value), { ...baseTags(), ...tags });
  }
}

export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'trend', isTime);
  }
}
export class Counter extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'counter', isTime);
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate', false);
  }
}
export class Gauge extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'gauge', isTime);
  }
}

export default { Trend, Counter, Rate, Gauge };
