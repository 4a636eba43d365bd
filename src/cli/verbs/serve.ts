/** `valise serve`: run the server (src/server) in this process, configured by its environment. */
import { CliError } from '../cli-error.ts';
import type { Verb } from '../verb.ts';

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'run a Valise server node (configured by PORT, DATABASE_URL, VALISE_* variables)',
  synopsis: '',
  help: ['Starts the HTTP API server in this process; see the README for its environment variables.'],
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_input, cli) {
    const started = await cli.serve();
    if (!started) throw new CliError('SERVER_UNAVAILABLE', 'this build has no server to start');
    return { json: { url: started.url }, text: [`serving on ${started.url}`] };
  },
};
