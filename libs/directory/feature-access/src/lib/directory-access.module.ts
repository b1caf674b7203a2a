import { Module } from '@nestjs/common';

/** Roles, groups, the permission catalogue and role assignment. */
@Module({})
export class DirectoryAccessModule {}
