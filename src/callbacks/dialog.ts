/**
 * The caller's side of a call-back request, on the Call port: the offer (when
 * asked for), the number (confirm the presented one or key another, with
 * re-prompts on bad input), and the time (as soon as possible, or a slot read
 * back for confirmation). Storing and the final confirmation are the
 * service's job (callback-offer.ts): the request is stored before the caller
 * hears that it was taken.
 */
import type { Call, Prompt } from '../telephony/port.ts';
import { normalizeNumber, spokenDigits, type NumberRules } from './phone-number.ts';
import { problemKey, say, spokenTime, type TextKey } from './texts.ts';

export interface DialogOptions {
  call: Call;
  /** Call language ("pl", "en", ...). */
  language: string;
  signal: AbortSignal;
  rules: NumberRules;
  /** The caller's own number (E.164) when presented; undefined: withheld, the caller keys one. */
  presented?: string;
  /** When set, played first: 1 accepts, 2 (or nothing) declines. */
  offer?: Prompt[];
  /** Start times (ms) the caller may pick; empty: as soon as possible only. */
  slots: number[];
  now: () => number;
  timeZone: string;
  /** Tries per question before giving up. */
  maxTries: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export type DialogResult =
  | { kind: 'chosen'; number: string; keyed: boolean; scheduledAt?: number }
  | { kind: 'declined' }
  /** Too many bad or missing answers. */
  | { kind: 'gave-up'; question: 'offer' | 'number' | 'when' };

type Answer = { kind: 'key'; key: string } | { kind: 'none' };

export class CallbackDialog {
  constructor(private readonly o: DialogOptions) {}

  private tts(text: string): Prompt {
    return { kind: 'tts', text, language: this.o.language };
  }

  private t(key: TextKey, params?: Record<string, string>): Prompt {
    return this.tts(say(this.o.language, key, params));
  }

  readNumber(e164: string): string {
    return spokenDigits(e164, say(this.o.language, 'plus'));
  }

  readTime(at: number): string {
    return spokenTime(at, this.o.now(), this.o.timeZone, this.o.language);
  }

  /** One key out of `keys`; re-prompts on a wrong key or silence. */
  private async choose(prompts: Prompt[], keys: string): Promise<Answer> {
    let lead: Prompt[] = [];
    for (let i = 0; i < this.o.maxTries; i++) {
      const r = await this.o.call.collectDigits({
        prompts: [...lead, ...prompts],
        bargeIn: true,
        minDigits: 1,
        maxDigits: 1,
        terminators: '',
        firstDigitTimeoutMs: this.o.firstDigitTimeoutMs,
        interDigitTimeoutMs: this.o.interDigitTimeoutMs,
        signal: this.o.signal,
      });
      if (r.kind === 'aborted') return { kind: 'none' };
      if (r.kind === 'digits' && r.digits.length === 1 && keys.includes(r.digits)) return { kind: 'key', key: r.digits };
      lead = [this.t(r.kind === 'noinput' ? 'noInput' : 'notUnderstood')];
    }
    return { kind: 'none' };
  }

  /** Keys a number, with a read-back to confirm; undefined after too many tries. */
  private async keyNumber(): Promise<string | undefined> {
    let lead: Prompt[] = [];
    for (let i = 0; i < this.o.maxTries; i++) {
      const r = await this.o.call.collectDigits({
        prompts: [...lead, this.t('enterNumber')],
        bargeIn: true,
        minDigits: 1,
        maxDigits: 20,
        terminators: '#',
        firstDigitTimeoutMs: this.o.firstDigitTimeoutMs,
        interDigitTimeoutMs: this.o.interDigitTimeoutMs,
        signal: this.o.signal,
      });
      if (r.kind === 'aborted') return undefined;
      if (r.kind === 'noinput') {
        lead = [this.t('problem:empty')];
        continue;
      }
      const checked = normalizeNumber(r.digits, this.o.rules);
      if (!checked.ok) {
        lead = [this.t(problemKey(checked.problem))];
        continue;
      }
      const confirm = await this.choose([this.t('confirmKeyed', { number: this.readNumber(checked.e164) })], '12');
      if (confirm.kind === 'key' && confirm.key === '1') return checked.e164;
      if (confirm.kind === 'none') return undefined;
      lead = [];
    }
    return undefined;
  }

  private async number(): Promise<{ number: string; keyed: boolean } | undefined> {
    if (this.o.presented) {
      const a = await this.choose([this.t('confirmCaller', { number: this.readNumber(this.o.presented) })], '12');
      if (a.kind === 'none') return undefined;
      if (a.key === '1') return { number: this.o.presented, keyed: false };
    }
    const keyed = await this.keyNumber();
    return keyed ? { number: keyed, keyed: true } : undefined;
  }

  /** undefined: as soon as possible; a number: the chosen slot; 'gave-up'. */
  private async when(): Promise<number | undefined | 'gave-up'> {
    const slots = this.o.slots.slice(0, 9);
    if (slots.length === 0) return undefined;
    for (let round = 0; round < this.o.maxTries; round++) {
      const a = await this.choose([this.t('chooseWhen')], '12');
      if (a.kind === 'none') return 'gave-up';
      if (a.key === '1') return undefined;
      const options = slots.map((at, i) => this.t('slotOption', { key: String(i + 1), time: this.readTime(at) }));
      const pick = await this.choose(options, slots.map((_, i) => String(i + 1)).join(''));
      if (pick.kind === 'none') return 'gave-up';
      const at = slots[Number(pick.key) - 1]!;
      const ok = await this.choose([this.t('confirmSlot', { time: this.readTime(at) })], '12');
      if (ok.kind === 'none') return 'gave-up';
      if (ok.key === '1') return at;
    }
    return 'gave-up';
  }

  async run(): Promise<DialogResult> {
    if (this.o.offer) {
      const a = await this.choose(this.o.offer, '12');
      if (a.kind === 'none' || a.key === '2') return { kind: 'declined' };
    }
    const n = await this.number();
    if (!n) return { kind: 'gave-up', question: 'number' };
    const when = await this.when();
    if (when === 'gave-up') return { kind: 'gave-up', question: 'when' };
    return { kind: 'chosen', number: n.number, keyed: n.keyed, ...(when !== undefined ? { scheduledAt: when } : {}) };
  }

  /** Plays a text to the caller (confirmation, apology). */
  async tell(key: TextKey, params?: Record<string, string>): Promise<void> {
    await this.o.call.play([this.t(key, params)], { signal: this.o.signal });
  }
}
