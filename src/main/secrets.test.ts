// The desktop secret store against a fake safeStorage and a real temp folder: passwords are
// stored encrypted (never in plain text), survive a new store instance, fall back to the
// environment variable, and without OS encryption are kept in memory only.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { safeStorageSecrets } from './secrets';
import type { SafeStorageLike } from './secrets';

// Reversible and visibly not plain text: enough to prove the store never writes the clear text.
const fakeSafeStorage = (available = true, backend?: string): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  ...(backend !== undefined ? { getSelectedStorageBackend: () => backend } : {}),
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('safeStorageSecrets', () => {
  it('saves a password encrypted and reads it back from a new instance', async () => {
    const a = safeStorageSecrets({ safeStorage: fakeSafeStorage(), userDataDir: dir, env: {} });
    expect(await a.set('warehouse', 'hunter2')).toBe(true);
    const file = join(dir, 'secrets.json');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = safeStorageSecrets({ safeStorage: fakeSafeStorage(), userDataDir: dir, env: {} });
    expect(await b.get('warehouse', null)).toBe('hunter2');
    expect(await b.get('other', null)).toBeNull();
  });

  it('falls back to the environment variable the target names', async () => {
    const s = safeStorageSecrets({
      safeStorage: fakeSafeStorage(),
      userDataDir: dir,
      env: { WH_PASSWORD: 'fromenv' },
    });
    expect(await s.get('warehouse', 'WH_PASSWORD')).toBe('fromenv');
    await s.set('warehouse', 'saved');
    expect(await s.get('warehouse', 'WH_PASSWORD')).toBe('saved');
  });

  it('keeps a password in memory only when the OS offers no encryption', async () => {
    const logs: string[] = [];
    const s = safeStorageSecrets({
      safeStorage: fakeSafeStorage(false),
      userDataDir: dir,
      env: {},
      log: (m) => logs.push(m),
    });
    expect(await s.set('warehouse', 'hunter2')).toBe(false);
    expect(await s.get('warehouse', null)).toBe('hunter2');
    expect(() => readFileSync(join(dir, 'secrets.json'))).toThrow();
    expect(logs.join(' ')).toMatch(/until the app quits/);
  });

  it('does not write a password that Linux would only obfuscate (no keyring: basic_text)', async () => {
    const s = safeStorageSecrets({
      safeStorage: fakeSafeStorage(true, 'basic_text'),
      userDataDir: dir,
      env: {},
    });
    expect(await s.set('warehouse', 'hunter2')).toBe(false);
    expect(await s.get('warehouse', null)).toBe('hunter2');
    expect(() => readFileSync(join(dir, 'secrets.json'))).toThrow();
    const keyring = safeStorageSecrets({
      safeStorage: fakeSafeStorage(true, 'gnome_libsecret'),
      userDataDir: dir,
      env: {},
    });
    expect(await keyring.set('warehouse', 'hunter2')).toBe(true);
  });
});
