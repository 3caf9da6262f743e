import { Controller, Get, Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import request from 'supertest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { ErrorRecoveryModule, RecoveryService, isEmbeddedDatabaseInProductionError } from '../src/error-recovery/index.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService } from './support/database.js';

@Controller('x')
class BoomController {
  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }
}

@Injectable()
class SettingsService {
  readonly service = uniqueService('async');
  readonly database = testDatabase();
}
@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-ops'] === 'yes';
  }
}

describe('module set-up', () => {
  it('forRootAsync takes options from a factory with injected providers', async () => {
    const app = await startApp([
      ErrorRecoveryModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SettingsService],
        useFactory: (settings: SettingsService) => ({ service: settings.service, environment: 'production', adminToken: 't', database: settings.database }),
      }),
      { module: class BoomModule {}, controllers: [BoomController] },
    ]);
    try {
      const service = app.get(SettingsService).service;
      await request(app.getHttpServer()).get('/x/boom').expect(500);
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(1);
      expect(app.get(RecoveryService)).toBeInstanceOf(RecoveryService);
    } finally {
      await app.close();
    }
  });

  it('serves the API under a custom prefix, behind a replacement guard', async () => {
    const service = uniqueService('prefix');
    const app = await startApp([
      ErrorRecoveryModule.forRoot({ service, environment: 'production', database: testDatabase(), apiPrefix: 'ops/errors', adminGuard: HeaderGuard }),
    ]);
    try {
      await request(app.getHttpServer()).get('/api/errors/summary').expect(404);
      await request(app.getHttpServer()).get('/ops/errors/summary').expect(403);
      await request(app.getHttpServer()).get('/ops/errors/summary').set('x-ops', 'yes').expect(200);
    } finally {
      await app.close();
    }
  });

  it('leaves the API out with apiPrefix: false', async () => {
    const app = await startApp([
      ErrorRecoveryModule.forRoot({ service: uniqueService('noapi'), environment: 'development', database: testDatabase(), apiPrefix: false }),
    ]);
    try {
      await request(app.getHttpServer()).get('/api/errors/summary').expect(404);
    } finally {
      await app.close();
    }
  });

  it("reuses an app DataSource's connection options with a pool of its own", async () => {
    const appDataSource = new DataSource(
      DATABASE_URL ? { type: 'postgres', url: DATABASE_URL } : { type: 'postgres', driver: new PGliteDriver().driver, installExtensions: false },
    );
    const service = uniqueService('ds');
    const app = await startApp([
      ErrorRecoveryModule.forRoot({ service, environment: 'production', database: { dataSource: appDataSource } }),
      { module: class BoomModule {}, controllers: [BoomController] },
    ]);
    try {
      await request(app.getHttpServer()).get('/x/boom').expect(500);
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(1);
      expect(appDataSource.isInitialized).toBe(false); // the app's own DataSource is left alone
    } finally {
      await app.close();
    }
  });

  describe('production without a database', () => {
    let dir: string;
    const nodeEnv = process.env.NODE_ENV;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'er-prod-'))));
    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
      rmSync(dir, { recursive: true, force: true });
    });
    const boom = { module: class BoomModule {}, controllers: [BoomController] };

    it('refuses to start (NODE_ENV=production), naming the option, and stores nothing in the data directory', async () => {
      process.env.NODE_ENV = 'production';
      const dataDir = join(dir, 'data');
      const started = startApp([ErrorRecoveryModule.forRoot({ service: uniqueService('prod'), adminToken: 't', database: { dataDir } }), boom]);
      await expect(started).rejects.toThrow(
        `nest-error-recovery: environment is "production" but no database is configured, so errors would be stored in the embedded PGlite in ${dataDir}. ` +
          'Set database.url (e.g. process.env.DATABASE_URL), database.dataSource or store, or set database: { embedded: true } to keep the embedded database on purpose.',
      );
      await expect(started.catch((e: unknown) => isEmbeddedDatabaseInProductionError(e))).resolves.toBe(true);
      expect(existsSync(dataDir)).toBe(false);
    });

    it("starts on the embedded database when database.embedded says so (environment: 'production')", async () => {
      const dataDir = join(dir, 'data');
      const service = uniqueService('prod-embedded');
      const app = await startApp([ErrorRecoveryModule.forRoot({ service, environment: 'production', adminToken: 't', database: { dataDir, embedded: true } }), boom]);
      try {
        await request(app.getHttpServer()).get('/x/boom').expect(500);
        await flushed(app);
        expect(existsSync(dataDir)).toBe(true);
      } finally {
        await app.close();
      }
    });
  });
});
