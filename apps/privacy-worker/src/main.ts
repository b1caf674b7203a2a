import 'reflect-metadata';
import { privacyWorker } from '@sigma/privacy/feature-shell';
import { runStandalone } from '@sigma/shared/feature-service-host';

void runStandalone(privacyWorker);
