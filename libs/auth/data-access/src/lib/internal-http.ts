/** What an internal service answered: its status and JSON body (undefined when the body was not JSON). */
export interface InternalAnswer {
  status: number;
  ok: boolean;
  payload: unknown;
}

/**
 * One JSON call to a suite service's internal API, with the request id forwarded and a timeout.
 * A transport failure (refused, reset, timed out) is thrown as `unavailable(cause)`; any answer
 * is returned for the caller to interpret.
 */
export async function callInternalJson(
  fetchImpl: typeof fetch,
  url: string,
  request: { method: 'GET' | 'POST' | 'DELETE'; requestId?: string; body?: object; timeoutMs: number },
  unavailable: (cause: unknown) => Error,
): Promise<InternalAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.requestId !== undefined) headers['x-request-id'] = request.requestId;
  try {
    const response = await fetchImpl(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const payload: unknown = await response.json().catch(() => undefined);
    return { status: response.status, ok: response.ok, payload };
  } catch (error) {
    throw unavailable(error);
  }
}

/** Whether an answer's body is a JSON object (anything else from an internal API means it is broken). */
export function isJsonObject(payload: unknown): payload is object {
  return payload !== undefined && payload !== null && typeof payload === 'object';
}
