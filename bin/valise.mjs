#!/usr/bin/env node
// `npx valise`: registers tsx so Node runs the TypeScript sources directly, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
