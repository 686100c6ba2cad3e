// Publish passwords for the desktop app, encrypted with Electron's safeStorage (the OS keychain,
// DPAPI, or the Secret Service on Linux) and kept in <userData>/secrets.json, one entry per
// publish target. A target without a saved password falls back to the environment variable
// lakehouse.yml names, as in the CLI. No Electron import: main passes `safeStorage` in.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../pipeline';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: which secret store backs the key ('basic_text' means a hard-coded key). */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

interface SecretsFile {
  version: 1;
  /** Target name → base64 of the safeStorage ciphertext. */
  secrets: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSecrets(file: string): SecretsFile {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(parsed) && parsed['version'] === 1 && isRecord(parsed['secrets'])) {
      // A value that is not a string was not written by this module: it is dropped, not decrypted.
      const entries = Object.entries(parsed['secrets']).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      );
      return { version: 1, secrets: Object.fromEntries(entries) };
    }
  } catch {
    // Missing or unreadable: no saved secrets (a corrupt file is replaced on the next save).
  }
  return { version: 1, secrets: {} };
}

export function safeStorageSecrets(options: {
  safeStorage: SafeStorageLike;
  /** app.getPath('userData') */
  userDataDir: string;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}): SecretStore {
  const file = path.join(options.userDataDir, 'secrets.json');
  const env = options.env ?? process.env;
  // Used when the OS offers no encryption: a password set in the UI lasts until the app quits.
  const memory = new Map<string, string>();
  // On Linux without a keyring, safeStorage "encrypts" with a fixed key: no better than plain
  // text on disk, so such a password is not written at all.
  const canEncrypt = (): boolean => {
    if (!options.safeStorage.isEncryptionAvailable()) return false;
    const backend = options.safeStorage.getSelectedStorageBackend?.();
    return backend === undefined || (backend !== 'basic_text' && backend !== 'unknown');
  };
  return {
    kind: 'Electron safeStorage',
    get(target, envVar) {
      const inMemory = memory.get(target);
      if (inMemory !== undefined) return Promise.resolve(inMemory);
      const saved = readSecrets(file).secrets[target];
      if (saved !== undefined && canEncrypt()) {
        try {
          return Promise.resolve(options.safeStorage.decryptString(Buffer.from(saved, 'base64')));
        } catch {
          options.log?.(
            `the saved password of '${target}' cannot be decrypted (OS keyring changed?); set it again`,
          );
        }
      }
      return Promise.resolve(envVar ? (env[envVar] ?? null) : null);
    },
    set(target, secret) {
      if (!canEncrypt()) {
        memory.set(target, secret);
        options.log?.('no OS keyring to encrypt with: the password is kept only until the app quits');
        return Promise.resolve(false);
      }
      const content = readSecrets(file);
      content.secrets[target] = options.safeStorage.encryptString(secret).toString('base64');
      mkdirSync(options.userDataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
      renameSync(tmp, file);
      memory.delete(target);
      return Promise.resolve(true);
    },
  };
}
