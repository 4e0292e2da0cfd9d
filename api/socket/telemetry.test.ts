import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Telemetry, type TelemetryMessage } from './telemetry.js';

const msg = (n: number): TelemetryMessage => ({ type: 'vehicle.position_reported', warehouseId: 'w', payload: { n }, occurredAt: 'now' });

describe('telemetry bundling', () => {
  it('sends the messages of one turn for the same rooms as one array, a lone message as itself, nothing twice', async () => {
    const sent: { rooms: string[]; body: unknown }[] = [];
    const t = new Telemetry({} as Redis, 'k');
    t.attach({
      to: (rooms: string | string[]) => ({ emit: (_ev: string, body: unknown) => sent.push({ rooms: [rooms].flat(), body }) }),
    } as never);
    t.publish(['warehouse:w', 'route:p'], msg(1));
    t.publish(['route:p', 'warehouse:w'], msg(2));
    t.publish(['warehouse:w'], msg(3));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([
      { rooms: ['warehouse:w', 'route:p'], body: [msg(1), msg(2)] },
      { rooms: ['warehouse:w'], body: msg(3) },
    ]);
    t.publish(['warehouse:w'], msg(4));
    await new Promise((r) => setImmediate(r));
    expect(sent.at(-1)).toEqual({ rooms: ['warehouse:w'], body: msg(4) });
    expect(sent).toHaveLength(3);
  });
});
