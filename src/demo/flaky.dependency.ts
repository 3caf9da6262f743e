import { Injectable } from '@nestjs/common';

/** Stands in for a remote dependency whose connection drops a given number of times. */
@Injectable()
export class FlakyDependency {
  private readonly calls = new Map<string, number>();

  async call(key: string, failures: number): Promise<{ ok: true; calls: number }> {
    const calls = (this.calls.get(key) ?? 0) + 1;
    if (this.calls.size > 10_000) this.calls.clear();
    this.calls.set(key, calls);
    if (calls <= failures) {
      throw Object.assign(new Error(`read ECONNRESET (demo dependency "${key}", call ${calls})`), {
        code: 'ECONNRESET',
        syscall: 'read',
      });
    }
    return { ok: true, calls };
  }
}
