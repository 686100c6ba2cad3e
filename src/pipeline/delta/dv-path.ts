// Where a deletion vector lives (PROTOCOL.md "Deletion Vector Descriptor"):
// storage type 'u' holds an optional random prefix plus a Z85-encoded UUID and
// names `<prefix>/deletion_vector_<uuid>.bin` under the table root; 'p' is an
// absolute path; 'i' is inline and has no file.

import type { DeletionVectorDescriptor } from './actions';

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_INDEX = new Map([...Z85].map((c, i) => [c, i]));

/** Z85 text (a multiple of 5 characters) to bytes. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new Error(`Z85 text must be a multiple of 5 characters (got ${text.length}).`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const d = Z85_INDEX.get(text[i + j] ?? '');
      if (d === undefined) throw new Error(`'${text[i + j] ?? ''}' is not a Z85 character.`);
      value = value * 85 + d;
    }
    out[o] = (value >>> 24) & 0xff;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

export function uuidFromBytes(b: Uint8Array): string {
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The DV file relative to the table root for storage type 'u'; null for inline or absolute ones. */
export function dvRelativePath(dv: DeletionVectorDescriptor): string | null {
  if (dv.storageType !== 'u') return null;
  const encoded = dv.pathOrInlineDv;
  const prefix = encoded.slice(0, encoded.length - 20);
  const uuid = uuidFromBytes(z85Decode(encoded.slice(-20)));
  return prefix ? `${prefix}/deletion_vector_${uuid}.bin` : `deletion_vector_${uuid}.bin`;
}
