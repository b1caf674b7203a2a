import { Module } from '@nestjs/common';
import { TenantScope } from '@sigma/directory/data-access';
import { DataSource } from 'typeorm';
import { CredentialVerificationService } from './credential-verification.service';
import { InternalCredentialsController } from './internal-credentials.controller';
import { MfaEnrolmentController } from './mfa-enrolment.controller';
import { MfaEnrolmentService } from './mfa-enrolment.service';

/** MFA enrolment and the internal credential-verification API for auth-server. */
@Module({
  controllers: [InternalCredentialsController, MfaEnrolmentController],
  providers: [
    CredentialVerificationService,
    MfaEnrolmentService,
    { provide: TenantScope, useFactory: (dataSource: DataSource) => new TenantScope(dataSource), inject: [DataSource] },
  ],
})
export class DirectoryCredentialsModule {}
