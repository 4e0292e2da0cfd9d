import type { EntityManager } from '@mikro-orm/postgresql';
import { sql } from '../../domain/shared/sql.js';
import { itemScanFor, type FloorSku } from '../../test/floor/fixture.js';
import type { SoakClient } from './client.js';
import type { IdRow } from '../../domain/shared/rows.js';
import type { ShipmentRow } from '../../domain/shipping/entities/shipment.entity.js';

/** The carriers with labelled parcels waiting for a manifest (the query keeps only non-null codes). */
type LabelledCarrierRow = { carrier_code: NonNullable<ShipmentRow['carrier_code']> };

/** Who works the floor in the soak: one supervisor, pickers and packers, each with a signed access token. */
export interface FloorCrew {
  warehouseId: string;
  supervisor: string;
  pickers: string[];
  packers: string[];
}

interface TaskLine {
  id: string;
  status: string;
  orderId: string;
  skuId: string;
  lot: string | null;
  qty: number;
  qtyPicked: number;
  locationCode: string;
}
interface Task {
  id: string;
  status: string;
  lines: TaskLine[];
}

/** A tote per order, named from the order, so a retried confirm and the packer agree without shared state. */
export const toteFor = (orderId: string) => `SOAK-TOTE-${orderId.replace(/-/g, '').slice(0, 12).toUpperCase()}`;

/**
 * Drives intake's orders through the floor as handhelds and a supervisor would, over HTTP only: release waves of
 * allocated orders, pick them (claim, confirm by scan), pack them (tote, verify, pack), buy labels and manifest.
 * Each step reads its state back after an ambiguous answer, so killed processes and lost responses only slow it down.
 */
export class FloorDriver {
  readonly counts = { waves: 0, confirms: 0, packed: 0, labels: 0, manifests: 0, reReads: 0 };
  private readonly skus: Map<string, FloorSku>;

  constructor(
    private readonly client: SoakClient,
    private readonly crew: FloorCrew,
    skus: FloorSku[],
    private readonly db: () => EntityManager,
  ) {
    this.skus = new Map(skus.map((s) => [s.id, s]));
  }

  /** One round of floor work; returns whether anything moved. */
  async round(): Promise<boolean> {
    const released = await this.releaseWave();
    const picked = await Promise.all(this.crew.pickers.map((p, i) => this.pickAll(p, i)));
    const packed = await this.packAll();
    const labelled = await this.labelAll();
    const manifested = await this.manifestAll();
    return released || picked.some(Boolean) || packed || labelled || manifested;
  }

  private async releaseWave(): Promise<boolean> {
    const r = await this.client.send('POST', `/warehouses/${this.crew.warehouseId}/waves`, this.crew.supervisor, {
      body: { pickMode: 'batch', cartSlots: 8, maxOrders: 60, release: true },
    });
    if (r.status === 201) this.counts.waves++;
    return r.status === 201;
  }

  private async pickAll(token: string, i: number): Promise<boolean> {
    let any = false;
    for (;;) {
      const c = await this.client.send('POST', '/tasks/claim', token, {
        body: { warehouseId: this.crew.warehouseId, types: ['pick'], deviceId: `soak-picker-${i}` },
      });
      if (c.status === 204) return any;
      if (c.status !== 200) throw new Error(`claim answered ${c.status}: ${JSON.stringify(c.body)}`);
      any = true;
      let task = c.body as Task;
      let misses = 0;
      while (task.status !== 'done' && misses < 3) {
        const line = task.lines.find((l) => l.status === 'open');
        if (!line) break;
        const sku = this.skus.get(line.skuId)!;
        const r = await this.client.send('POST', `/tasks/${task.id}/lines/${line.id}/confirm`, token, {
          key: `confirm:${line.id}:${line.qtyPicked}`,
          body: {
            locationScan: line.locationCode,
            itemScan: itemScanFor(sku, line.lot),
            qty: line.qty - line.qtyPicked,
            toteScan: toteFor(line.orderId),
          },
        });
        if (r.status === 200) {
          this.counts.confirms++;
          misses = 0;
          task = r.body as Task;
          continue;
        }
        // A lost outcome, or the lease moved the task while an API was down: read it again and go on from there
        // (three misses in a row: the task is someone else's now, so claim again).
        misses++;
        this.counts.reReads++;
        const again = await this.client.send('GET', `/tasks/${task.id}`, token);
        if (again.status !== 200) break;
        task = again.body as Task;
      }
    }
  }

  private async packAll(): Promise<boolean> {
    const orders = await sql<IdRow>(
      this.db(),
      `select id from sales_order where warehouse_id = ? and status = 'picked' order by created_at`,
      [this.crew.warehouseId],
    );
    const byPacker = this.crew.packers.map((_, k) => orders.filter((_o, j) => j % this.crew.packers.length === k));
    await Promise.all(byPacker.map((mine, k) => this.packOrders(this.crew.packers[k]!, k, mine)));
    return orders.length > 0;
  }

  private async packOrders(token: string, k: number, orders: { id: string }[]): Promise<void> {
    for (const o of orders) {
      const s = await this.client.send('POST', `/warehouses/${this.crew.warehouseId}/pack-sessions`, token, {
        key: `pack-start:${o.id}`,
        body: { stationCode: `PACK-${k}`, toteScan: toteFor(o.id) },
      });
      let session = s.status === 200 ? s.body : undefined;
      if (!session) continue; // picked by the time we read it, packed by a retry: the next round sees the truth
      for (const it of session.items as { skuId: string; qtyExpected: number; qtyVerified: number }[]) {
        if (it.qtyVerified >= it.qtyExpected) continue;
        const v = await this.client.send('POST', `/pack-sessions/${session.id}/verify`, token, {
          key: `verify:${session.id}:${it.skuId}:${it.qtyVerified}`,
          body: { itemScan: this.skus.get(it.skuId)!.gtin13, qty: it.qtyExpected - it.qtyVerified },
        });
        if (v.status === 200) session = v.body;
      }
      const fresh = await this.client.send('GET', `/pack-sessions/${session.id}`, token);
      if (fresh.status !== 200 || fresh.body.status !== 'verified') continue;
      const weights = (fresh.body.proposal.cartons as { expectedWeightG: number }[]).map((c) => c.expectedWeightG);
      const p = await this.client.send('POST', `/pack-sessions/${session.id}/pack`, token, {
        key: `pack:${session.id}`,
        body: { weightsG: weights },
      });
      if (p.status === 200) this.counts.packed++;
    }
  }

  private async labelAll(): Promise<boolean> {
    const packed = await sql<IdRow>(
      this.db(),
      `select id from shipment where warehouse_id = ? and status = 'packed' and order_id is not null`,
      [this.crew.warehouseId],
    );
    for (const s of packed) {
      const r = await this.client.send('POST', `/shipments/${s.id}/label`, this.crew.packers[0]!, { key: `label:${s.id}` });
      if (r.status === 200 || r.status === 201) this.counts.labels++;
    }
    return packed.length > 0;
  }

  private async manifestAll(): Promise<boolean> {
    const carriers = await sql<LabelledCarrierRow>(
      this.db(),
      `select distinct carrier_code from shipment where warehouse_id = ? and status = 'labelled' and shipped_at is null and carrier_code is not null`,
      [this.crew.warehouseId],
    );
    for (const c of carriers) {
      const r = await this.client.send('POST', '/manifests', this.crew.supervisor, {
        body: { warehouseId: this.crew.warehouseId, carrier: c.carrier_code },
      });
      if (r.status === 201) this.counts.manifests++;
    }
    return carriers.length > 0;
  }
}
