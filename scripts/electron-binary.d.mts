// Types for electron-binary.mjs, so TypeScript tests can import the plain-JS helper.

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(
  electronDir: string,
  env?: Record<string, string | undefined>,
): ElectronBinary;
