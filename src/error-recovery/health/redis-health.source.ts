import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection.js';
import { HealthService } from './health.service.js';

/**
 * Adds a `redis` check (a bounded PING) when the module option `redis` is set. Not critical: Redis
 * holds only state the module can rebuild (checkpoints are also in PostgreSQL), so an outage makes
 * the app `degraded`, never unready.
 */
@Injectable()
export class RedisHealthSource implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly redis: RedisConnection,
  ) {}

  onModuleInit(): void {
    if (!this.redis.configured) return;
    this.health.addSource({ checks: () => [{ name: 'redis', check: () => this.redis.ping() }] });
  }
}
