#!/usr/bin/env node
// `npx valise`: registers tsx so Node runs the TypeScript sources directly, then runs the CLI
// on this process. Exit code only: `serve` leaves the server running, every other verb ends here.
import { register } from 'tsx/esm/api';

register();
const { main, processIo } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
process.exitCode = await main(processIo());
