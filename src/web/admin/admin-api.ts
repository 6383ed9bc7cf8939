/** A failed admin API call: the HTTP status and the contract's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the admin API with the session's token; resolves with the body of a 2xx answer, else throws an `ApiError`. */
export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** What a failure says to the person who asked: the server's words, and its code for a 4xx the server explains. */
export function failureText(error: unknown): string {
  if (error instanceof ApiError) return error.code && error.code !== 'SERVER_ERROR' ? `${error.message} (${error.code})` : error.message;
  if (error instanceof TypeError) return 'The orchestrator cannot be reached';
  return error instanceof Error ? error.message : String(error);
}
