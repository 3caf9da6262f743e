/** No error with this id is stored. The REST layer answers it with 404. */
export class ErrorLogNotFoundError extends Error {
  constructor(readonly errorId: string) {
    super(`No error with id ${errorId} is stored. List stored errors with GET /api/errors.`);
    this.name = 'ErrorLogNotFoundError';
  }
}

export const isErrorLogNotFoundError = (e: unknown): e is ErrorLogNotFoundError => e instanceof ErrorLogNotFoundError;
