/**
 * Asks a question at the terminal and reads the answer without echoing it (a passphrase):
 * standard input in raw mode, the question on standard error. Backspace erases, Ctrl-C or
 * Ctrl-D on an empty line cancels. Only main.ts wires it, and only when stdin is a terminal.
 */
import { ClientError } from '../client/client-error.ts';

export function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  return new Promise((done, fail) => {
    output.write(question);
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    let answer = '';
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) fail(error);
      else done(answer);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && answer === '')) {
          return finish(new ClientError('PASSPHRASE_REQUIRED', 'no passphrase given (cancelled)'));
        }
        if (ch === '\u007f' || ch === '\b') answer = [...answer].slice(0, -1).join('');
        else if (ch >= ' ') answer += ch;
      }
    };
    input.on('data', onData);
  });
}
