/**
 * A one-line progress bar on standard error, drawn only on a terminal and only for work
 * large enough to wait for; redirected output and tests see nothing of it, so a failure
 * still ends with exactly one line on stderr.
 */
import type { CliEnvironment } from './cli-environment.ts';

const WIDTH = 30;

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Clears the bar before the result is printed. */
  finish(): void;
}

export function progressBar(cli: CliEnvironment, what: string, minimum = 10_000): ProgressBar {
  let drawn = false;
  return {
    update(done, total) {
      if (cli.stderrIsTty !== true || total < minimum) return;
      const share = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(share * WIDTH);
      cli.stderr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} ${what}`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) cli.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}
