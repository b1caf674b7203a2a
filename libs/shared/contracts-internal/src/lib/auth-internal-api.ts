/**
 * auth-server's internal API for the gateway: never routed by the gateway, reachable inside the
 * cluster only (network policies in deploy/k8s).
 */
export const AUTH_INTERNAL_ROUTES = {
  /** GET → AllowedOriginsResponse: the browser origins every active application registered (CORS). */
  allowedOrigins: '/internal/v1/allowed-origins',
} as const;

export interface AllowedOriginsResponse {
  /** `scheme://host[:port]`, from applications' allowed origins and redirect URIs. */
  origins: string[];
}
