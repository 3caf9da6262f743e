import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Protects the admin endpoints with `Authorization: Bearer <adminToken>`. The token is compared as
 * a SHA-256 digest in constant time, so its length leaks nothing and any length is a clean 401.
 * With no token configured the endpoints are open only when development was chosen explicitly, and
 * refused otherwise.
 * Replace it with your own guard through the `adminGuard` module option.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.options.adminToken;
    if (!expected) {
      if (this.options.openAdminWithoutToken) return true;
      throw new ForbiddenException(
        'The error-recovery admin API is disabled because no admin token is set. ' +
          'Set ERROR_RECOVERY_ADMIN_TOKEN (or the adminToken option) and send Authorization: Bearer <token>' +
          ' (it is open without one only when the environment is explicitly development).',
      );
    }
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match || !timingSafeEqual(digest(match[1]), digest(expected))) {
      throw new UnauthorizedException('A valid admin token is required: Authorization: Bearer <token>.');
    }
    return true;
  }
}
