/**
 * Starts `valise <argv>` as a background process in a session of its own (the key agent),
 * as ssh-agent forks: it outlives this command and no terminal signal reaches it. `input` is
 * written to its standard input (`agent start --passphrase-stdin` reads it there), so the
 * passphrase is in no argument or environment variable; VALISE_PASSPHRASE and
 * VALISE_PASSPHRASE_FILE are removed from its environment. Resolves with the first line it prints (its readiness, or its failure as JSON),
 * then lets it go.
 */
export async function startBackground(
  node: string,
  entry: string,
  argv: readonly string[],
  input: string,
): Promise<string> {
  // Loaded only here: node:child_process costs every command's start a noticeable time.
  const { spawn } = await import('node:child_process');
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.VALISE_PASSPHRASE;
  delete env.VALISE_PASSPHRASE_FILE;
  const child = spawn(node, [entry, ...argv], { detached: true, stdio: ['pipe', 'pipe', 'ignore'], env });
  child.stdin.end(input);
  return new Promise((done, fail) => {
    let output = '';
    const finish = (line: string) => {
      child.stdout.destroy();
      child.unref();
      done(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const end = output.indexOf('\n');
      if (end >= 0) finish(output.slice(0, end));
    });
    child.once('error', fail);
    child.once('exit', (code) =>
      finish(
        output.trim() ||
          JSON.stringify({ error: { message: `the key agent exited (${code}) before it listened` } }),
      ),
    );
  });
}
