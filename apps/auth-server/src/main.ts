import 'reflect-metadata';
import { authServer } from '@sigma/auth/feature-shell';
import { runStandalone } from '@sigma/shared/feature-service-host';

void runStandalone(authServer);
