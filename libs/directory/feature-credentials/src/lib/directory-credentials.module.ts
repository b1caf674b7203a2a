import { Module } from '@nestjs/common';

/** MFA enrolment and the internal credential-verification API for auth-server. */
@Module({})
export class DirectoryCredentialsModule {}
