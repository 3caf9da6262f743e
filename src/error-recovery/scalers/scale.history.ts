import { Injectable } from '@nestjs/common';
import { BoundedHistory } from '../common/bounded-history.js';

/** One scale-up asked of one scaler, as the admin API lists it. */
export interface ScaleRecord {
  /** ISO time the scale-up started. */
  at: string;
  error_id: string;
  scaler: string;
  outcome: 'scaled' | 'skipped' | 'failed';
  /** Size before and after, when the scaler knows them (a webhook does not). */
  from: number | null;
  to: number | null;
  factor: number;
  max_factor: number;
  message: string;
}

/** The last 100 scale-ups (and refusals), newest first: capacity changes cost money and outlive the request. */
@Injectable()
export class ScaleHistory {
  private readonly records = new BoundedHistory<ScaleRecord>(100);

  add(record: ScaleRecord): void {
    this.records.add(record);
  }

  history(): ScaleRecord[] {
    return this.records.list();
  }
}
