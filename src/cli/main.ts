/**
 * The coldbench command line. This is the only module that touches process (arguments, signals,
 * exit codes); every command is a thin layer over the library.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ColdbenchError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { Output, Secrets } from './output.js';
import type { DiffFlags } from './commands/diff.js';
import type { SweepFlags } from './commands/sweep.js';
import type { PlanFlags } from './commands/plan.js';
import type { MergeFlags } from './commands/merge.js';
import type { DistributionFlags } from './distribution.js';

export interface GlobalFlags {
  json: boolean;
  quiet: boolean;
  debug: boolean;
  progress: boolean;
}

export async function main(argv: string[]): Promise<number> {
  // The AWS SDK warns on Node 20 about its 2027 releases: noise for our users, not theirs to act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  keepRunningWithoutReaders();
  let exitCode = 0;
  const debug = argv.includes('--debug');
  // One list of secrets for the whole process: a command adds its profile's, and the error
  // report below redacts with them too (an endpoint from ${VAR} in "cannot connect to ...").
  const secrets = new Secrets();
  const outFor = (flags: Partial<GlobalFlags>): Output =>
    new Output({ json: flags.json === true, quiet: flags.quiet === true }, secrets);
  const program = buildProgram((code) => (exitCode = code), outFor, secrets);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; every other parse problem is bad usage.
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    return reportError(err, debug, secrets);
  }
}

/**
 * A terminal that hangs up (a closed SSH session: SIGHUP, then EIO on each write) or a reader
 * that leaves a pipe (`| head`: EPIPE) must not end a run before its result is saved: writes
 * that fail so are dropped. Any other write error is still thrown.
 */
let streamsGuarded = false;
function keepRunningWithoutReaders(): void {
  // Once per process, however many times main runs in it.
  if (streamsGuarded) return;
  streamsGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
    });
  }
}

function buildProgram(setExit: (code: number) => void, outFor: (flags: Partial<GlobalFlags>) => Output, secrets: Secrets): Command {
  const program = new Command('coldbench')
    .description('Load-test serverless functions and benchmark their cold starts.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(secrets.text(s)) });

  program
    .command('run')
    .description('run a profile: drive its load, print a summary, save a result file')
    .argument('<profile>', 'profile YAML file')
    .option('--out <dir>', 'folder for result files', 'results')
    .option('--set <path=value>', 'override a profile field (repeatable)', collect, [])
    .option('--json', 'print the result as JSON on stdout (human text goes to stderr)', false)
    .option('--format <format>', 'summary format: table, md, json, junit or html (all but table go to stdout)', 'table')
    .option('--html <file>', 'also write a self-contained HTML report to this file')
    .option('--quiet', 'print no summary', false)
    .option('--no-progress', 'no live progress line')
    .option('--no-save', 'do not write a result file')
    .option('--checkpoint <duration>', 'write <name>-<time>.partial.json this often while running (0: never)', '10s')
    .option('--debug', 'show stack traces of errors', false)
    .option('--shard <K/N>', 'run shard K of N (from 1) of the load, or "env" for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, COLDBENCH_SHARD_COUNT)')
    .option('--shard-index <K>', 'shard index, from 1 (with --shard-count)')
    .option('--shard-count <N>', 'number of shards (with --shard-index)')
    .option('--start-at <time>', 'start the load at this instant: ISO time with a zone, or epoch milliseconds')
    .option('--start-tolerance <duration>', 'how late past --start-at the load may still start (default 100ms); later exits 4', undefined)
    .option('--workers <n>', 'run the load as N shards in N processes of this machine and merge them (auto = one per core, less one for a local target)')
    .option('--keep-shards', 'with --workers: save each shard\'s result beside the merged one', false)
    .action(async (file: string, flags: RunFlags) => {
      const { runCommand } = await import('./commands/run.js');
      // md, json and junit are machine output on stdout: human text then goes to stderr.
      setExit(await runCommand(file, flags, outFor({ ...flags, json: flags.json || flags.format !== 'table' })));
    });

  program
    .command('validate')
    .description('check a profile and print every problem with its path and line')
    .argument('<profile>', 'profile YAML file')
    .option('--set <path=value>', 'override a profile field (repeatable)', collect, [])
    .option('--json', 'print the normalized, redacted profile as JSON', false)
    .action(async (file: string, flags: { set: string[]; json: boolean }) => {
      const { validateCommand } = await import('./commands/validate.js');
      setExit(await validateCommand(file, flags, outFor(flags)));
    });

  program
    .command('emulator')
    .description("serve the functions of a profile's target.local on loopback until Ctrl-C")
    .argument('<profile>', 'profile YAML file whose lambda target has a local: section')
    .addOption(new Option('--port <n>', 'port to listen on (0 = any free port)').default(9001).argParser(parsePort))
    .option('--log-dir <dir>', 'write a log file per function into this folder')
    .option('--set <path=value>', 'override a profile field (repeatable)', collect, [])
    .action(async (file: string, flags: { port: number; logDir?: string; set: string[] }) => {
      const { emulatorCommand } = await import('./commands/emulator.js');
      setExit(await emulatorCommand(file, flags, outFor({})));
    });

  program
    .command('diff')
    .description('compare two runs with statistics; exit 3 on a significant regression past a --fail-on limit')
    .argument('<base>', 'base result file, comma-separated files, or a folder of repeated runs')
    .argument('<candidate>', 'candidate result file(s), as for base')
    .option('--fail-on <rule>', 'gate, e.g. "warm.p99 > +10%", "init.p50 > +50ms", "cold.rate > +2pp" (repeatable)', collect, [])
    .option('--strict', 'fail on the change alone, significant or not', false)
    .option('--format <format>', 'table, md, json, junit or html', 'table')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--seed <n>', 'seed of the bootstrap resampling').argParser(parseNumber))
    .addOption(new Option('--confidence <x>', 'family-wise confidence level').default(0.95).argParser(parseNumber))
    .action(async (base: string, candidate: string, flags: DiffFlags) => {
      const { diffCommand } = await import('./commands/diff.js');
      setExit(await diffCommand([base], [candidate], flags, outFor({})));
    });

  program
    .command('merge')
    .description('combine the result files of the shards of one run into one result (thresholds are judged on it)')
    .argument('<inputs...>', 'shard result files, or folders that hold them')
    .requiredOption('--out <file>', 'file to write the merged result to (never written over)')
    .option('--allow-partial', 'merge the shards present; record missing or duplicated ones instead of failing', false)
    .option('--format <format>', 'summary format: table, md, json or junit (md/json/junit go to stdout)', 'table')
    .option('--json', 'print the merged result as JSON on stdout (human text goes to stderr)', false)
    .option('--quiet', 'print no summary', false)
    .action(async (inputs: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('./commands/merge.js');
      setExit(await mergeCommand(inputs, flags, outFor(flags)));
    });

  program
    .command('report')
    .description('render a saved result: table, md (pull-request comments), json, junit or html (a page with charts)')
    .argument('<result>', 'result JSON file, or a matrix result')
    .option('--format <format>', 'table, md, json, junit or html', 'table')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action(async (file: string, flags: { format: string; output?: string }) => {
      const { reportCommand } = await import('./commands/report.js');
      setExit(await reportCommand(file, flags, outFor({})));
    });

  const sweep = program.command('sweep').description('experiments over one setting of the platform');
  sweep
    .command('idle')
    .description('measure P(cold | idle gap), the keep-alive curve: warm N environments, wait each gap, invoke N again')
    .argument('<profile>', 'profile YAML file with a lambda target (local: runs on the built-in emulator)')
    .option('--gaps <list>', 'idle gaps, increasing, e.g. 1m,5m,10m,15m,30m (default: the profile\'s sweep.gaps)')
    .addOption(new Option('--samples <n>', 'environments warmed and probed per gap (default: sweep.samples, else 20)').argParser(parseNumber))
    .option('--functions <list>', 'deployed copies of the function (or name:alias) to run gaps side by side (default: sweep.functions)')
    .addOption(new Option('--confidence <x>', 'confidence of the intervals').default(0.95).argParser(parseNumber))
    .option('--yes', 'run a sweep expected to last more than 24 hours', false)
    .option('--out <dir>', 'folder for the sweep result', 'results')
    .option('--set <path=value>', 'override a profile field (repeatable)', collect, [])
    .option('--json', 'print the sweep result as JSON on stdout (human text goes to stderr)', false)
    .option('--html <file>', 'also write an HTML report with the keep-alive chart')
    .option('--quiet', 'print no table', false)
    .option('--no-save', 'do not write a sweep result file')
    .action(async (file: string, flags: SweepFlags) => {
      const { sweepIdleCommand } = await import('./commands/sweep.js');
      setExit(await sweepIdleCommand(file, flags, outFor(flags)));
    });

  const plan = program.command('plan').description('predict what a profile would do, sending nothing');
  plan
    .command('replay')
    .description("simulate a replay's planned instants against a model of the platform: cold starts, their share and the cost of each option")
    .argument('<profile>', 'profile YAML file with a replay phase')
    .option('--keep-alive <duration>', "idle timeout of the model (default: the profile's local function's idleTimeout)")
    .option('--provisioned <list>', 'options with this many provisioned environments, e.g. 2 or 1,2,5')
    .option('--ping <list>', 'options with a keep-warm invocation every this long, e.g. 5m or 5m,10m')
    .option('--duration <duration>', "the function's duration per invocation")
    .option('--init <duration>', "the function's init duration on a cold start")
    .option('--measured <result>', 'take the duration, init, memory and architecture from a result file of the function')
    .addOption(new Option('--memory <mb>', "the function's memory size, for the cost").argParser(parseNumber))
    .option('--set <path=value>', 'override a profile field (repeatable)', collect, [])
    .option('--json', 'print the plan as JSON on stdout (human text goes to stderr)', false)
    .action(async (file: string, flags: PlanFlags) => {
      const { planReplayCommand } = await import('./commands/plan.js');
      setExit(await planReplayCommand(file, flags, outFor(flags)));
    });

  const logs = program.command('logs').description('work with Lambda platform logs');
  logs
    .command('parse')
    .description('parse Lambda platform log lines (text or JSON format) into one JSON record per line')
    .argument('[file]', "log file, or '-' for standard input", '-')
    .action(async (file: string) => {
      const { logsParseCommand } = await import('./commands/logs.js');
      setExit(await logsParseCommand(file, outFor({ json: true })));
    });

  return program;
}

export interface RunFlags extends DistributionFlags {
  out: string;
  format: string;
  set: string[];
  json: boolean;
  quiet: boolean;
  progress: boolean;
  save: boolean;
  /** How often a checkpoint of the result is written while running; "0" for never. */
  checkpoint: string;
  debug: boolean;
  /** Write an HTML report of the run (or matrix) to this file. */
  html?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('expected an integer from 0 to 65535');
  }
  return n;
}

function reportError(err: unknown, debug: boolean, secrets: Secrets): number {
  const write = (text: string): void => void process.stderr.write(`${secrets.text(text)}\n`);
  if (err instanceof ColdbenchError) {
    write(`error: ${err.message}`);
    if (err.hint) write(`hint: ${err.hint}`);
    if (debug && err.stack) write(err.stack);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  write(`internal error: ${e.message}`);
  write(debug && e.stack ? e.stack : 'hint: run again with --debug for details');
  return 1;
}
