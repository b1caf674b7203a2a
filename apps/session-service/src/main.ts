import 'reflect-metadata';
import { sessionService } from '@sigma/session/feature-shell';
import { runStandalone } from '@sigma/shared/feature-service-host';

void runStandalone(sessionService);
