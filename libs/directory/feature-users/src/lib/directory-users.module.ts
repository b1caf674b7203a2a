import { Module } from '@nestjs/common';

/** Users, tenants, tenant API keys and profiles (/me), under /api/v1, /api/admin and seed 003's /api/users. */
@Module({})
export class DirectoryUsersModule {}
