import 'reflect-metadata';
import { authServer } from '@sigma/auth/feature-shell';
import { userDirectory } from '@sigma/directory/feature-shell';
import { adminGateway } from '@sigma/gateway/feature-proxy';
import { privacyWorker } from '@sigma/privacy/feature-shell';
import { sessionService } from '@sigma/session/feature-shell';
import { runEmbedded } from '@sigma/shared/feature-service-host';

void runEmbedded([userDirectory, authServer, sessionService, privacyWorker, adminGateway], process.env);
