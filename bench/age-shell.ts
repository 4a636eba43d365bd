/**
 * Runs the `age` command from one long-lived shell, for the seal benchmark's comparison.
 *
 * Why a shell: starting a child process forks the benchmark's own process, and a fork leaves
 * every page of its heap to be taken back, one fault at a time, on its next writes. Measured
 * here: the 600 classical wraps timed just after spawning `true` took 40% longer than without.
 * Timing age and our wraps in alternating rounds would charge that to our wraps. The shell is
 * forked once, before any timing; it forks itself (a small process) for each run of age.
 *
 * The shell reports each run's exit status, and its children's CPU time (bash's `times`),
 * which the benchmark sums over its rounds.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

export class AgeShell {
  readonly #shell: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #partial = '';
  #exited = false;
  #wake: (() => void) | undefined;

  private constructor(shell: ChildProcessWithoutNullStreams) {
    this.#shell = shell;
    shell.stdout.setEncoding('utf8');
    shell.stdout.on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop() ?? '';
      this.#lines.push(...lines);
      this.#wake?.();
    });
    shell.once('exit', () => {
      this.#exited = true;
      this.#wake?.();
    });
  }

  static start(): AgeShell {
    return new AgeShell(spawn('bash', ['--noprofile', '--norc'], { stdio: 'pipe' }));
  }

  /** Milliseconds for `age` to encrypt `payload` to the recipients listed in `recipientsFile`. */
  async encrypt(recipientsFile: string, payload: string): Promise<number> {
    const start = performance.now();
    const [status] = await this.#ask(
      `age -R ${quote(recipientsFile)} -o /dev/null ${quote(payload)} >/dev/null 2>&1; echo "status $?"`,
      1,
    );
    const ms = performance.now() - start;
    if (status !== 'status 0') throw new Error(`age failed (${status}) on ${recipientsFile}`);
    return ms;
  }

  /** CPU seconds (user and system) used so far by the shell's finished children. */
  async childrenCpuSeconds(): Promise<number> {
    // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.056s".
    const [, children = ''] = await this.#ask('times', 2);
    let seconds = 0;
    for (const m of children.matchAll(/(\d+)m([\d.]+)s/g)) seconds += Number(m[1]) * 60 + Number(m[2]);
    return seconds;
  }

  close(): void {
    this.#shell.stdin.end();
  }

  /** Sends one command line and waits for the `count` lines it prints. */
  async #ask(command: string, count: number): Promise<string[]> {
    this.#lines.length = 0;
    this.#shell.stdin.write(`${command}\n`);
    while (this.#lines.length < count) {
      if (this.#exited) throw new Error('the shell running age exited');
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    this.#wake = undefined;
    return this.#lines.splice(0, count);
  }
}
