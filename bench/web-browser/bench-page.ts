/**
 * The page half of the web benchmark: starts the bench worker, and while it seals, records
 * every long task of this (main) thread with a PerformanceObserver: the app seals in its
 * worker, so the page must stay responsive.
 */
const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

const results = window as unknown as { benchResult?: unknown };

async function ask(worker: Worker, what: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data as Record<string, unknown>);
    worker.postMessage(what);
  });
}

(async () => {
  const worker = new Worker('/bench-worker.js', { type: 'module' });
  await new Promise((r) => setTimeout(r, 200));
  longTasks.length = 0;
  // The main thread keeps doing small work while the worker seals, like a UI would.
  let frames = 0;
  const tick = () => {
    frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const seal = await ask(worker, 'seal');
  const longest = longTasks.reduce((a, b) => Math.max(a, b), 0);
  const search = await ask(worker, 'search');
  results.benchResult = {
    ...seal,
    ...search,
    mainThreadLongestTaskMs: longest,
    longTasks: longTasks.length,
    frames,
  };
})();
