import { Inject, Injectable, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ModuleLogger } from '../common/log-line.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_WRAP_ALL_ROUTES } from '../error-recovery.constants.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { originalOf, replaceHandler, responseArgument, type RouteHandler } from './handler-wrapping.js';
import { RouteRecovery } from './route-recovery.js';
import { RouteResolver } from './route-resolver.js';

const logger = new ModuleLogger();

/**
 * Wraps the route handlers of the app's controllers once, before Nest builds its router (from the
 * module's `configure()`): recovery then costs nothing on the success path — no global interceptor.
 * Request-scoped controllers (and controllers depending on request-scoped providers) have a new
 * instance per request and are not wrapped: their errors are captured by the exception filter,
 * without replay.
 */
@Injectable()
export class RouteExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly resolver: RouteResolver,
    private readonly recovery: RouteRecovery,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_WRAP_ALL_ROUTES) private readonly allRoutes: boolean,
  ) {}

  /** Wraps every route handler in scope; returns how many were wrapped now. */
  wrapAll(): number {
    let wrapped = 0;
    const skipped: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object') continue;
      if (!wrapper.isDependencyTreeStatic()) {
        skipped.push(wrapper.name);
        continue;
      }
      const controller = instance.constructor as Type<unknown>;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        try {
          if (this.wrap(instance, controller, prototype, methodName)) wrapped++;
        } catch (fault) {
          // The route stays as plain Nest has it; its errors still reach the filter.
          this.stats.fault('interceptor', fault);
        }
      }
    }
    if (skipped.length > 0) logger.warn(`request-scoped controllers are not wrapped (their errors are captured by the filter, without replay): ${skipped.join(', ')}`);
    return wrapped;
  }

  private wrap(instance: object, controller: Type<unknown>, prototype: Record<string, unknown>, methodName: string): boolean {
    const method = prototype[methodName];
    if (typeof method !== 'function' || Reflect.getMetadata(PATH_METADATA, method) === undefined) return false;
    if (!this.allRoutes && Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) === undefined && Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, controller) === undefined) return false;
    const original = (instance as Record<string, unknown>)[methodName];
    if (typeof original !== 'function' || originalOf(original)) return false;
    const h = this.resolver.handler(controller, original);
    const wrapper = this.recovery.wrapper(original as RouteHandler, h, responseArgument(instance, methodName));
    return replaceHandler(instance, methodName, wrapper);
  }
}
