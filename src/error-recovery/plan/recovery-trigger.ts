/** What started a recovery: the module on a captured error (`automatic`), or a person through the admin API (`manual`). */
export type RecoveryTrigger = 'automatic' | 'manual';
