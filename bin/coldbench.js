#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const code = await main(process.argv);
// Exit once stdout has flushed: a result piped to another program must arrive whole.
process.stdout.write('', () => process.exit(code));
