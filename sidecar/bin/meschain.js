#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx meschain …` works from a checkout without a build step.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
