import { Module } from '@nestjs/common';
import { CredentialVerificationService } from './credential-verification.service';
import { InternalCredentialsController } from './internal-credentials.controller';

/** MFA enrolment and the internal credential-verification API for auth-server. */
@Module({
  controllers: [InternalCredentialsController],
  providers: [CredentialVerificationService],
})
export class DirectoryCredentialsModule {}
