export { DataSubjectRepository } from './lib/data-subject.repository';

import { CreatePrivacySchema1763800002000 } from './lib/privacy-schema.migration';

/** The privacy worker's migrations, in order. */
export const PRIVACY_MIGRATIONS = [CreatePrivacySchema1763800002000];
