import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { JsonValue } from '../common/safe-serialize.js';
import type { RecoveryTrigger } from './error-log.record.js';
// The two sides of one TypeORM relation; each names the other only inside a lazy `() =>` target.
// eslint-disable-next-line import-x/no-cycle
import { ErrorLogEntity } from './error-log.entity.js';

/** `recovery_actions`: what each strategy (or retry attempt) really did for one error. */
@Entity({ name: 'recovery_actions' })
@Index('idx_recovery_actions_error_log', ['errorLogId', 'position'])
export class RecoveryActionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'error_log_id', type: 'uuid' }) errorLogId: string;
  @ManyToOne(() => ErrorLogEntity, (log) => log.actions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'error_log_id' })
  errorLog?: Relation<ErrorLogEntity>;
  @Column({ type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 50 }) strategy: string;
  @Column({ type: 'varchar', length: 10 }) trigger: RecoveryTrigger;
  @Column({ type: 'boolean' }) success: boolean;
  @Column({ type: 'boolean' }) skipped: boolean;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'jsonb', nullable: true }) details: JsonValue | null;
  @Column({ name: 'duration_ms', type: 'int' }) durationMs: number;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
}
