import 'reflect-metadata';
import { userDirectory } from '@sigma/directory/feature-shell';
import { runStandalone } from '@sigma/shared/feature-service-host';

void runStandalone(userDirectory);
