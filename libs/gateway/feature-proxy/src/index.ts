export { adminGateway } from './lib/admin-gateway.definition';
export { GatewaySettings } from './lib/gateway.settings';
