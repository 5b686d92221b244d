// `hoplab <command> ...`: the command line over sim/ and lab/.
import { COMMANDS } from './commands/index.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`hoplab: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hoplab ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    throw e;
  }
}

async function usage(): Promise<string> {
  const lines = ['usage: hoplab <command> [options]', '', 'commands:'];
  for (const [n, load] of Object.entries(COMMANDS)) {
    const { command } = await load();
    lines.push(`  ${n.padEnd(12)} ${command.summary}`);
  }
  return `${lines.join('\n')}\n`;
}
