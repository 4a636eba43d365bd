import type { VectorResult } from '../../core/fixtures/check-cable-vectors.ts';

declare global {
  interface Window {
    valiseVectorResults?: VectorResult[];
    valiseVectorError?: string;
  }
}
