import type { Command } from '../engine/commands.js';
import type { CommandContext, EventWithoutTime } from './command-context.js';
import { createAccountCommands, type AccountCommand, type AccountCommandDeps } from './account-commands.js';
import { createOrderCommands, type OrderCommand, type OrderCommandDeps } from './order-commands.js';

export type { CommandContext, EventWithoutTime } from './command-context.js';

const ORDER_KINDS = new Set<Command['kind']>(['order.create', 'order.query', 'order.close', 'problem.report']);

/** Executes one engine command; the answer is the next event for the conversation (or none). */
export function createCommandRunner(deps: OrderCommandDeps & AccountCommandDeps) {
  const orders = createOrderCommands(deps);
  const accounts = createAccountCommands(deps);
  return (command: Command, ctx: CommandContext): Promise<EventWithoutTime | null> =>
    ORDER_KINDS.has(command.kind) ? orders(command as OrderCommand, ctx) : accounts(command as AccountCommand, ctx);
}

export type CommandRunner = ReturnType<typeof createCommandRunner>;
