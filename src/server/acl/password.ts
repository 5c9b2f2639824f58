// ACL passwords as redis-server 7.0 keeps them (acl.c ACLHashPassword / ACLCheckPasswordHash):
// the lowercase hex SHA-256 of the password's bytes, and ACL GENPASS's random hex.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Length of a hashed password: 64 hex characters. */
export const HASH_LENGTH = 64;

/** The hash stored for a cleartext password (our strings are byte strings, one char per byte). */
export function hashPassword(cleartext: string): string {
  return createHash('sha256').update(Buffer.from(cleartext, 'latin1')).digest('hex');
}

/** A `#<hash>` / `!<hash>` value Redis accepts: exactly 64 characters of 0-9 a-f. */
export function isValidHash(hash: string): boolean {
  return hash.length === HASH_LENGTH && /^[0-9a-f]+$/.test(hash);
}

/** Compares two hashes in time independent of where they differ (Redis time_independent_strcmp). */
export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/** ACL GENPASS: `bits` rounded up to whole hex characters of random data. */
export function randomHexPassword(bits: number): string {
  const chars = Math.floor((bits + 3) / 4);
  return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}
