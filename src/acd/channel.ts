/** A tiny async FIFO: producers push, one consumer awaits `next()`. */
export class Channel<T> {
  private items: T[] = [];
  private waiting: ((v: T) => void) | undefined;

  push(item: T): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w(item);
    } else {
      this.items.push(item);
    }
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve) => {
      this.waiting = resolve;
    });
  }
}
