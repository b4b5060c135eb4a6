import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../../../infra/config/config';

export interface SigningKeys {
  publicKey: string;
  privateKey?: string;
}

/**
 * In embedded mode an ES256 key pair is generated once into DATA_DIR/auth (private key mode 0600)
 * and reused on every start. In deployments the public key (and, only where this service mints
 * tokens, the private key) come from files named in the configuration. There is no built-in secret.
 */
export function loadSigningKeys(auth: AppConfig['auth']): SigningKeys {
  if (auth.embeddedKeys && !existsSync(auth.publicKeyFile)) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    mkdirSync(path.dirname(auth.publicKeyFile), { recursive: true, mode: 0o700 });
    writeFileSync(auth.privateKeyFile!, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    writeFileSync(auth.publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }), {
      mode: 0o644,
    });
  }
  if (!existsSync(auth.publicKeyFile)) {
    throw new Error(`AUTH_JWT_PUBLIC_KEY_FILE: file not found: ${auth.publicKeyFile}`);
  }
  const privateKey =
    auth.privateKeyFile && existsSync(auth.privateKeyFile)
      ? readFileSync(auth.privateKeyFile, 'utf8')
      : undefined;
  if (auth.privateKeyFile && !auth.embeddedKeys && !privateKey) {
    throw new Error(`AUTH_JWT_PRIVATE_KEY_FILE: file not found: ${auth.privateKeyFile}`);
  }
  return { publicKey: readFileSync(auth.publicKeyFile, 'utf8'), privateKey };
}
