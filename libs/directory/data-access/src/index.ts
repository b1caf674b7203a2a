export { DEFAULT_TENANT_SLUG, DirectoryBootstrapRepository } from './lib/directory-bootstrap.repository';
export { CreateDirectorySchema1763800001000 } from './lib/directory-schema.migration';

import { CreateDirectorySchema1763800001000 } from './lib/directory-schema.migration';

/** The directory's migrations, in order. */
export const DIRECTORY_MIGRATIONS = [CreateDirectorySchema1763800001000];
