import { ApiProperty } from '@nestjs/swagger';
import type { JWK } from 'jose';

export class JwksResponse {
  @ApiProperty({
    description: 'Public signing keys (RFC 7517): kty, use "sig", crv, kid, x (and y for EC), alg',
    example: [{ kty: 'EC', use: 'sig', crv: 'P-256', kid: 'dGhpcyBpcyBhIHRodW1icHJpbnQ', x: 'f83OL7TcdS6PWPiTcY4ceYa_YbbTkSS1JtiYmvTgUs', y: '77idP4f6TfNtes71BS3p8eaS1px9fMYQiHODskXkReA', alg: 'ES256' }],
    type: 'array',
    items: { type: 'object' },
  })
  keys!: JWK[];
}
