/**
 * The page half of the web benchmark: starts the bench worker and lets bench/web.ts drive it
 * one step at a time (`window.benchStep`), so that the node side can read Chromium's CPU time
 * around each step. While the worker seals, it records every long task of this (main) thread
 * with a PerformanceObserver: the app seals in its worker, so the page must stay responsive.
 */
const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

const bench = window as unknown as {
  benchStep?: (what: string) => Promise<Record<string, unknown>>;
};

const worker = new Worker('/bench-worker.js', { type: 'module' });

function ask(what: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data as Record<string, unknown>);
    worker.postMessage(what);
  });
}

// The main thread keeps doing small work while the worker seals, like a UI would.
let frames = 0;
const tick = () => {
  frames++;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);

bench.benchStep = async (what) => {
  longTasks.length = 0;
  const answer = await ask(what);
  return {
    ...answer,
    mainThreadLongestTaskMs: longTasks.reduce((a, b) => Math.max(a, b), 0),
    longTasks: longTasks.length,
    frames,
  };
};
