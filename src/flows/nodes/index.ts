/** Every node type of the flow language. Adding a type: a definition here and a handler in src/engine/nodes/index.ts. */
import { playDefinition } from './play.ts';
import { menuDefinition } from './menu.ts';
import { collectDefinition } from './collect.ts';
import { sayDefinition } from './say.ts';
import { setDefinition } from './set.ts';
import { conditionDefinition } from './condition.ts';
import { hoursDefinition } from './hours.ts';
import { httpDefinition } from './http.ts';
import { languageDefinition } from './language.ts';
import { subflowDefinition } from './subflow.ts';
import { gotoDefinition } from './goto.ts';
import { transferDefinition } from './transfer.ts';
import { recordDefinition } from './record.ts';
import { hangupDefinition } from './hangup.ts';
import { queueDefinition } from './queue.ts';
import { callbackDefinition } from './callback.ts';

export const nodeDefinitions = {
  play: playDefinition,
  menu: menuDefinition,
  collect: collectDefinition,
  say: sayDefinition,
  set: setDefinition,
  condition: conditionDefinition,
  hours: hoursDefinition,
  http: httpDefinition,
  language: languageDefinition,
  subflow: subflowDefinition,
  goto: gotoDefinition,
  transfer: transferDefinition,
  record: recordDefinition,
  hangup: hangupDefinition,
  queue: queueDefinition,
  callback: callbackDefinition,
} as const;

export type NodeType = keyof typeof nodeDefinitions;
