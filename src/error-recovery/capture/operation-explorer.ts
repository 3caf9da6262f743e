import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { ModuleLogger } from '../common/log-line.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_WRAP_ALL_ROUTES } from '../error-recovery.constants.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { OPERATION_INTEGRATIONS, type ClassRef, type OperationIntegration } from './operation-integration.js';
import { installOperationWrapper, registerOperation, unregisterOperation, type OperationMethod } from './operation-wrapping.js';

const logger = new ModuleLogger();

/** `@AiErrorHandler({ capture: false })` on the method (else its class). */
function declinesCapture(classRef: ClassRef, methodName: string): boolean {
  const method = (classRef.prototype as Record<string, unknown>)[methodName] as object;
  const options = (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as { capture?: boolean } | undefined;
  return options?.capture === false;
}

interface Selected {
  methodName: string;
  integration: OperationIntegration;
}

/**
 * Finds the app's work outside HTTP (GraphQL resolvers, message handlers, jobs, processors,
 * listeners) and wraps it once. The prototypes are wrapped in the constructor — while Nest creates
 * the app's instances, after every module was scanned and before any `onModuleInit` (GraphQL builds
 * its schema there) and before a microservice binds its handlers (which a plain microservice app
 * does before the init hooks). The instances are registered in `onModuleInit`, when they all exist;
 * nothing can call them before (servers listen, schedulers start and workers run later).
 */
@Injectable()
export class OperationExplorer implements OnModuleInit, OnApplicationShutdown {
  private readonly selected = new Map<ClassRef, Selected[]>();
  private readonly registered: { instance: object; methodName: string }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(OPERATION_INTEGRATIONS) private readonly integrations: OperationIntegration[],
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_WRAP_ALL_ROUTES) private readonly everywhere: boolean,
  ) {
    if (integrations.length === 0) return;
    for (const wrapper of this.classWrappers()) {
      const classRef = wrapper.metatype as ClassRef | null;
      if (typeof classRef === 'function' && !wrapper.inject) this.select(classRef);
    }
  }

  onModuleInit(): void {
    if (this.integrations.length === 0) return;
    const skipped: string[] = [];
    for (const wrapper of this.classWrappers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const classRef = instance.constructor as ClassRef;
      // A value or factory provider: its class is known only now (its handlers, if any, bind later).
      if (!this.selected.has(classRef)) this.select(classRef);
      const methods = this.selected.get(classRef);
      if (!methods || methods.length === 0) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        skipped.push(wrapper.name);
        continue;
      }
      for (const { methodName, integration } of methods) {
        try {
          if (!integration.readsCaptureOption && declinesCapture(classRef, methodName)) continue;
          const handler = integration.handler(instance, classRef, methodName);
          if (!handler) continue;
          registerOperation(instance, methodName, handler);
          this.registered.push({ instance, methodName });
        } catch (fault) {
          this.stats.fault('operation', fault);
        }
      }
    }
    if (skipped.length > 0) logger.warn(`request-scoped providers are not wrapped (their errors reach the filter when they run in one; no retry): ${skipped.join(', ')}`);
  }

  /** The app's instances run as plain Nest again: another app of this process may reuse the classes. */
  onApplicationShutdown(): void {
    for (const { instance, methodName } of this.registered) unregisterOperation(instance, methodName);
    this.registered.length = 0;
  }

  private classWrappers(): InstanceWrapper[] {
    return [...this.discovery.getControllers(), ...this.discovery.getProviders()];
  }

  private select(classRef: ClassRef): void {
    const methods: Selected[] = [];
    this.selected.set(classRef, methods);
    const prototype = classRef.prototype as Record<string, unknown> | undefined;
    if (!prototype || typeof prototype !== 'object') return;
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      try {
        const method = prototype[methodName];
        // A method that is also an HTTP route stays the route wrapper's (a hybrid controller).
        if (typeof method !== 'function' || Reflect.getMetadata(PATH_METADATA, method) !== undefined) continue;
        // Imported with `global: false`: only what `@AiErrorHandler()` marks, as for routes.
        if (!this.everywhere && Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) === undefined && Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef) === undefined) continue;
        const integration = this.integrations.find((i) => i.selects(classRef, methodName, method as OperationMethod));
        if (!integration) continue;
        installOperationWrapper(prototype, methodName);
        methods.push({ methodName, integration });
      } catch (fault) {
        this.stats.fault('operation', fault);
      }
    }
  }
}
