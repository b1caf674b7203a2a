export { DataSubjectRepository } from './lib/data-subject.repository';
export { ErasureRequestsRepository } from './lib/erasure-requests.repository';
export type { ErasureRequestRecord } from './lib/erasure-requests.repository';
export { ExportJobsRepository } from './lib/export-jobs.repository';
export type { ExportFormat, ExportJobRecord, ExportServiceProgress, ExportStatus, NewExportJob } from './lib/export-jobs.repository';
export { VerificationCodesRepository } from './lib/verification-codes.repository';
export type { VerificationCodeRecord } from './lib/verification-codes.repository';

import { CreatePrivacyRequests1796004402953 } from './lib/privacy-requests.migration';
import { CreatePrivacySchema1763800002000 } from './lib/privacy-schema.migration';

/** The privacy worker's migrations, in order. */
export const PRIVACY_MIGRATIONS = [CreatePrivacySchema1763800002000, CreatePrivacyRequests1796004402953];
