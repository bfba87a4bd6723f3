import type { Command } from '../engine/commands.js';
import type { CommandRunner } from './runtime-types.js';
import { createAccountCommands, type AccountCommand, type AccountCommandDeps } from './account-commands.js';
import { createOrderCommands, type OrderCommand, type OrderCommandDeps } from './order-commands.js';

const ORDER_KINDS = new Set<Command['kind']>(['order.create', 'order.query', 'order.close', 'problem.report', 'deferral.request', 'order.share']);

/** Routes each engine command to the order or account commands. */
export function createCommandRunner(deps: OrderCommandDeps & AccountCommandDeps): CommandRunner {
  const orders = createOrderCommands(deps);
  const accounts = createAccountCommands(deps);
  return (command, ctx) =>
    ORDER_KINDS.has(command.kind) ? orders(command as OrderCommand, ctx) : accounts(command as AccountCommand, ctx);
}
