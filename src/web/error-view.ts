/** A failure as it crosses from the worker to the page: its code (the server's, the SDK's or core's), message and status. */
import { ValiseError } from '../core/valise-error.ts';
import type { ErrorView } from './device-protocol.ts';

export function errorView(error: unknown): ErrorView {
  if (error instanceof ValiseError) {
    const { code, status } = error as ValiseError & { code?: unknown; status?: unknown };
    return {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: error.message,
      ...(typeof status === 'number' ? { status } : {}),
    };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
