import { Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { MfaEnrolment, MfaEnrolmentService } from './mfa-enrolment.service';

@ApiTags('MFA')
@Controller('api/v1/users/:id/mfa')
export class MfaEnrolmentController {
  constructor(private readonly enrolment: MfaEnrolmentService) {}

  @Post('enroll')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Enrol a user in TOTP MFA',
    description:
      'Seed 004. Allowed to the user themself or to a holder of users:write in the same tenant. Answers the base32 secret, a PNG data URL QR code of the ' +
      'otpauth:// URI (issuer "Sigma IAM", label = email) and 10 single-use recovery codes, all shown only in this answer (the secret is stored encrypted, ' +
      'the codes hashed). Takes effect at once: the next login needs the second step. Enrolling again replaces the secret and every recovery code. ' +
      'A user of another tenant answers 404. Publishes user.updated (changed_fields ["mfa"]).',
  })
  enrol(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<MfaEnrolment> {
    return this.enrolment.enrol(caller, id);
  }

  @Delete()
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Disable MFA for a user',
    description:
      'Seed 004. Removes the TOTP secret and all recovery codes; 204 also when nothing was enrolled. Allowed to the user themself or a holder of ' +
      'users:write in the same tenant. Publishes user.updated (changed_fields ["mfa"]) when something was removed.',
  })
  async disable(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.enrolment.disable(caller, id);
  }
}
