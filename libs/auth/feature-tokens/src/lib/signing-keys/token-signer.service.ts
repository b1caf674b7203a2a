import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { KeyedTenant, SigningKeyService } from './signing-key.service';

/** Signs JWTs with the tenant's active key; `typ` tells access tokens (`at+jwt`) from ID tokens (`JWT`). */
@Injectable()
export class TokenSignerService {
  constructor(private readonly keys: SigningKeyService) {}

  async sign(tenant: KeyedTenant, claims: JWTPayload, typ: string): Promise<string> {
    const key = await this.keys.signingKeyOf(tenant);
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey);
  }
}
