/**
 * Polls `check` every 20 ms until it holds, for waits on external processes
 * (a Redis Cluster converging, a Sentinel fail-over): there is no event to
 * wait for and no clock of ours to advance. A check that throws counts as
 * "not yet". Fails naming `what` after `timeoutMs`.
 */
export async function pollUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
