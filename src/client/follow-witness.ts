/**
 * A witness that runs continuously (docs/design.md §8): `witnessLog` every `intervalMs`, so
 * what the log commits is cosigned within seconds and an operator who cuts the log's tail
 * meets a witness that already holds it. The unwitnessed window is at most the interval
 * plus the server's checkpoint interval.
 *
 * A refusal (a fork, a rollback, a missing or altered leaf) stops the loop and is thrown:
 * the witness has raised its alert and must not go on as if nothing happened; every later
 * run refuses too, from the checkpoint it keeps. Any other failure (the server unreachable,
 * a timeout) is reported through `onRound` and retried at the next round.
 */
import { ClientError } from './client-error.ts';
import { type Cosigned, type WitnessRequest, witnessLog } from './witness-log.ts';

export interface FollowRequest extends WitnessRequest {
  readonly intervalMs: number;
  /** Stops the loop between rounds (SIGINT, SIGTERM, a test's end). */
  readonly signal?: AbortSignal;
  /** Stop after this many rounds (tests; none runs until stopped). */
  readonly rounds?: number;
  /** Each round's outcome: what was cosigned, or the error it will retry after. */
  readonly onRound?: (outcome: Cosigned | ClientError | Error) => void | Promise<void>;
}

export interface FollowSummary {
  readonly rounds: number;
  readonly cosigned: number;
  /** The size of the last checkpoint cosigned, if any. */
  readonly size?: number;
}

export async function followWitness(request: FollowRequest): Promise<FollowSummary> {
  if (!Number.isInteger(request.intervalMs) || request.intervalMs < 1) {
    throw new ClientError('INVALID_ARGUMENT', 'the witness interval must be a whole number of milliseconds');
  }
  let rounds = 0;
  let cosigned = 0;
  let size: number | undefined;
  while (!request.signal?.aborted && (request.rounds === undefined || rounds < request.rounds)) {
    if (rounds > 0) await pause(request.intervalMs, request.signal);
    if (request.signal?.aborted) break;
    rounds++;
    try {
      const done = await witnessLog(request);
      cosigned++;
      size = done.size;
      await request.onRound?.(done);
    } catch (error) {
      if (error instanceof ClientError && error.code === 'WITNESS_REFUSED') throw error;
      await request.onRound?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return { rounds, cosigned, ...(size !== undefined ? { size } : {}) };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
