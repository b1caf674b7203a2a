export { WebauthnModule } from './lib/webauthn.module';
export { decoyKeyOf } from './lib/ceremonies/decoy-credentials';
export { WebauthnSettings } from './lib/settings/webauthn.settings';
export { relyingPartyOf } from './lib/settings/relying-party';
export type { RelyingParty } from './lib/settings/relying-party';
