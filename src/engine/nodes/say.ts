/**
 * `say` handler: works out the value (expression or template), turns it into
 * words in the call language, and plays prefix + words + suffix as one
 * prompt list. A value that cannot be read takes the error exit; the value
 * itself is never logged (it may be an account number).
 */
import type { NodeHandler } from '../context.ts';
import type { SayNode } from '../../flows/nodes/say.ts';
import type { Prompt } from '../../telephony/port.ts';
import { abortReason } from '../../util/clock.ts';
import { ExpressionError, evaluateInCall, type JsonValue } from '../../lang/expr/index.ts';
import { SayError, sayAs } from '../../lang/say/index.ts';
import { hasTemplate } from '../../lang/template.ts';

export const runSay: NodeHandler<SayNode> = async (node, ctx) => {
  const language = ctx.state.language;
  let words: string;
  try {
    const value: JsonValue = hasTemplate(node.value) ? ctx.template(node.value) : evaluateInCall(node.value, ctx);
    words = sayAs(node.as, value, language, { currency: node.currency, timeZone: node.timeZone });
  } catch (err) {
    if (!(err instanceof SayError) && !(err instanceof ExpressionError)) throw err;
    ctx.log.warn({ code: err.code, as: node.as, language }, 'say: cannot read the value');
    return { error: err };
  }
  const prompts: Prompt[] = [...ctx.prompts(node.prefix), { kind: 'tts', text: words, language }, ...ctx.prompts(node.suffix)];
  const r = await ctx.call.play(prompts, { bargeIn: node.bargeIn ?? false, signal: ctx.signal });
  if (r.kind === 'aborted') throw abortReason(ctx.signal);
  return { exit: 'next' };
};
