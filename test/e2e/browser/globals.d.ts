import type { VectorResult } from '../../core/fixtures/check-cable-vectors.ts';

declare global {
  interface Window {
    valiseVectorResults?: VectorResult[];
    valiseVectorError?: string;
    /** Whether this browser's WebCrypto has ML-KEM, so the WebCrypto path was checked too. */
    valiseWebCryptoMlKem?: boolean;
    /** The base64url codec core chose in this browser (core/encoding/base64url.ts). */
    valiseBase64urlCodec?: string;
  }
}
