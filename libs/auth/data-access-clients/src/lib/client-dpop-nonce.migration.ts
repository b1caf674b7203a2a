import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-client switch for DPoP server nonces (RFC 9449 §8, ADR 15): the token, PAR and userinfo
 * endpoints demand a fresh nonce from such a client. FAPI 2.0 clients need nonces anyway.
 */
export class AddClientDpopNonceRequired1796015136977 implements MigrationInterface {
  name = 'AddClientDpopNonceRequired1796015136977';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.clients ADD COLUMN dpop_nonce_required boolean NOT NULL DEFAULT false');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE auth.clients DROP COLUMN dpop_nonce_required');
  }
}
