/**
 * The worker entry: one DeviceAgent per worker, answering each of the page's messages; a
 * request whose signature the server found stale or from the future (this
 * machine's clock is off) is retried once after learning the server's time.
 */
import { DeviceAgent } from './device-agent.ts';
import type { DeviceAnswer, DevicePush, DeviceRequest } from './device-protocol.ts';
import { errorView } from './error-view.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<DeviceRequest>) => void) | null;
  postMessage(message: DeviceAnswer | DevicePush): void;
  readonly location: { readonly origin: string };
  fetch(input: string, init: RequestInit): Promise<Response>;
}

const CLOCK_CODES = ['STALE', 'FROM_FUTURE'];

export function startDeviceWorker(scope: WorkerScope): void {
  const agent = new DeviceAgent(
    scope.location.origin,
    (input, init) => scope.fetch(input, init),
    (message) => scope.postMessage(message),
  );
  const run = async (request: DeviceRequest): Promise<unknown> => {
    const call = () =>
      (agent[request.op] as (...args: readonly unknown[]) => Promise<unknown>).apply(agent, [
        ...request.args,
      ]);
    try {
      return await call();
    } catch (error) {
      if (!CLOCK_CODES.includes(errorView(error).code)) throw error;
      await agent.syncClock();
      return call();
    }
  };
  scope.onmessage = (event) => {
    const request = event.data;
    run(request).then(
      (value) => scope.postMessage({ id: request.id, ok: true, value }),
      (error: unknown) => scope.postMessage({ id: request.id, ok: false, error: errorView(error) }),
    );
  };
}

startDeviceWorker(self as unknown as WorkerScope);
