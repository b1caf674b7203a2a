import { Module } from '@nestjs/common';
import { TenantScope } from '@sigma/directory/data-access';
import { DataSource } from 'typeorm';
import { CredentialVerificationService } from './credential-verification.service';
import { FederatedLoginService } from './federated-login.service';
import { InternalCredentialsController } from './internal-credentials.controller';
import { InternalWebauthnCredentialsController } from './internal-webauthn-credentials.controller';
import { MfaEnrolmentController } from './mfa-enrolment.controller';
import { MfaEnrolmentService } from './mfa-enrolment.service';
import { SignInFailuresPurge } from './sign-in-failures.purge';
import { WebauthnCredentialsService } from './webauthn-credentials.service';

/** MFA enrolment, the internal credential-verification API and the passkey store for auth-server. */
@Module({
  controllers: [InternalCredentialsController, InternalWebauthnCredentialsController, MfaEnrolmentController],
  providers: [
    CredentialVerificationService,
    FederatedLoginService,
    MfaEnrolmentService,
    SignInFailuresPurge,
    WebauthnCredentialsService,
    { provide: TenantScope, useFactory: (dataSource: DataSource) => new TenantScope(dataSource), inject: [DataSource] },
  ],
})
export class DirectoryCredentialsModule {}
