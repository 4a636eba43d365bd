/** The KDF interface of RFC 9180 §4: Extract and Expand, with the registry id and Nh. */
export interface Kdf {
  /** RFC 9180 §7.2 KDF identifier (u16). */
  readonly id: number;
  readonly name: string;
  /** Nh: the output size of Extract, in bytes. */
  readonly hashLength: number;
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}
