export { sessionService } from './lib/session-service.definition';
