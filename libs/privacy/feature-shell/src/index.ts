export { privacyWorker } from './lib/privacy-worker.definition';
