/** `valise serve`: run a server node (src/server) in this process, configured by its environment. */
import type { Verb } from '../verb.ts';

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'run a Valise server node (configured by PORT, DATABASE_URL, VALISE_* variables)',
  synopsis: '',
  help: ['Starts the HTTP API server in this process; see the README for its environment variables.'],
  options: {},
  positionals: { min: 0, max: 0 },
  async run(_input, cli) {
    const { url } = await cli.serve();
    return { json: { url }, text: [`serving on ${url}`] };
  },
};
