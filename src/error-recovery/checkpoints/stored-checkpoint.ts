/** A checkpoint as every layer keeps it: the JSON text and when it expires. */
export interface StoredCheckpoint {
  /** The state, serialised (`checkpointJson`). */
  json: string;
  /** Expiry, ms since the epoch on the module's clock. */
  expiresAt: number;
}
