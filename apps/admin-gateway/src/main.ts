import 'reflect-metadata';
import { adminGateway } from '@sigma/gateway/feature-proxy';
import { runStandalone } from '@sigma/shared/feature-service-host';

void runStandalone(adminGateway);
