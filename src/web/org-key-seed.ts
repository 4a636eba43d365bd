/** An organisation key as an officer pastes it: 32 bytes, base64url; else INVALID_ARGUMENT. */
import { ClientError } from '../client/client-error.ts';
import { fromBase64url } from '../core/encoding/bytes.ts';

export function orgKeySeed(text: string): Uint8Array {
  const seed = fromBase64url(text.trim());
  if (seed?.length !== 32)
    throw new ClientError('INVALID_ARGUMENT', 'the organisation key must be 32 bytes, base64url');
  return seed;
}
