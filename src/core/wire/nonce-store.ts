/**
 * Where a verifier remembers which nonces each key has used, so a captured request cannot
 * be sent again while it is still fresh. An entry need only outlive the freshness window:
 * after `expiresAt` the request it belongs to is refused as stale anyway.
 */
export interface NonceStore {
  /**
   * Records `nonce` for `keyId` until `expiresAt` (unix seconds) and returns true, or returns
   * false if this key already used this nonce and the entry has not expired. An
   * implementation that cannot record the nonce (full, bad input) returns false: refusing a
   * request is recoverable, accepting a replay is not.
   */
  consume(keyId: string, nonce: string, expiresAt: number): Promise<boolean>;
}
