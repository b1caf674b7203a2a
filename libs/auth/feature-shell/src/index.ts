export { authServer } from './lib/auth-server.definition';
