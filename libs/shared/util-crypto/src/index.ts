export { decodeKey, SecretBox } from './lib/secret-box';
export { constantTimeEqual, hashToken, matchesTokenHash, randomToken } from './lib/tokens';
export { SecretsEncryptionSettings } from './lib/secrets-encryption.settings';
