/** The append-only results history (`bench/results/history.jsonl`), one JSON object per figure. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FigureRecord } from './format.js';

export interface HistoryRecord extends FigureRecord {
  /** ISO time of the run. */
  time: string;
  quick: boolean;
  /** What the commit cannot show, e.g. an environment override of the run (BENCH_NOTE). */
  note?: string;
}

/** Appends the records, creating the folder and file when missing. */
export function appendHistory(path: string, records: HistoryRecord[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}
