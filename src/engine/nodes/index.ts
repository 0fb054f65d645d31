/** Handler for every node type; the mapped type makes a missing handler a compile error. */
import type { Static } from '@sinclair/typebox';
import type { nodeDefinitions, NodeType } from '../../flows/nodes/index.ts';
import type { NodeHandler } from '../context.ts';
import { runPlay } from './play.ts';
import { runMenu } from './menu.ts';
import { runCollect } from './collect.ts';
import { runSay } from './say.ts';
import { runSet } from './set.ts';
import { runCondition } from './condition.ts';
import { runHours } from './hours.ts';
import { runHttp } from './http.ts';
import { runLanguage } from './language.ts';
import { runSubflow } from './subflow.ts';
import { runGoto } from './goto.ts';
import { runTransfer } from './transfer.ts';
import { runRecord } from './record.ts';
import { runHangup } from './hangup.ts';
import { runQueue } from './queue.ts';
import { runCallback } from './callback.ts';

type ConfigOf<K extends NodeType> = Static<(typeof nodeDefinitions)[K]['schema']>;

export const nodeHandlers: { [K in NodeType]: NodeHandler<ConfigOf<K>> } = {
  play: runPlay,
  menu: runMenu,
  collect: runCollect,
  say: runSay,
  set: runSet,
  condition: runCondition,
  hours: runHours,
  http: runHttp,
  language: runLanguage,
  subflow: runSubflow,
  goto: runGoto,
  transfer: runTransfer,
  record: runRecord,
  hangup: runHangup,
  queue: runQueue,
  callback: runCallback,
};
