import { Observable, TimeoutError } from 'rxjs';

/**
 * Fails with rxjs' `TimeoutError` when `source` has not emitted within `ms` (0: no limit). One
 * plain timer per request: rxjs' `timeout` goes through the async scheduler, which costs several
 * times more on a path every request takes.
 */
export function withTimeout<T>(source: Observable<T>, ms: number): Observable<T> {
  if (ms <= 0) return source;
  return new Observable<T>((subscriber) => {
    const timer = setTimeout(() => subscriber.error(new TimeoutError()), ms);
    const inner = source.subscribe({
      next: (value) => {
        clearTimeout(timer);
        subscriber.next(value);
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        subscriber.error(error);
      },
      complete: () => {
        clearTimeout(timer);
        subscriber.complete();
      },
    });
    return () => {
      clearTimeout(timer);
      inner.unsubscribe();
    };
  });
}
