#!/usr/bin/env node
// The CLI as `npm install` builds it (the `prepare` script, `npm run build`): the bundle
// (dist/bundle/cli/, scripts/bundle-cli.mjs) when it is there, else tsc's output.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli/main.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : new URL('../dist/cli/main.js', import.meta.url).href);
