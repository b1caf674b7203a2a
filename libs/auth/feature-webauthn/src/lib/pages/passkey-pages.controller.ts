import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PAGE_SECURITY_HEADERS, PASSKEYS_PAGE } from './passkeys.page';
import { PASSKEYS_SCRIPT } from './passkeys.script';

/**
 * The passkeys page (`/webauthn/passkeys?tenant_id=`): sign in with a passkey, and, once signed
 * in, add one. Its script is an external file of the same origin, so the page runs under a CSP
 * without 'unsafe-inline'.
 */
@ApiExcludeController()
@Controller('webauthn')
export class PasskeyPagesController {
  @Get('passkeys')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Res({ passthrough: true }) res: Response): string {
    res.set(PAGE_SECURITY_HEADERS);
    return PASSKEYS_PAGE;
  }

  @Get('passkeys.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(@Res({ passthrough: true }) res: Response): string {
    res.set(PAGE_SECURITY_HEADERS);
    return PASSKEYS_SCRIPT;
  }
}
