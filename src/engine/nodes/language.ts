// STUB: replaced by the real handler of the `language` node.
import type { NodeHandler } from '../context.ts';
import type { LanguageNode } from '../../flows/nodes/language.ts';

export const runLanguage: NodeHandler<LanguageNode> = async () => ({ exit: 'next' });
