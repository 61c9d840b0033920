// Time for the local runtime: the wall clock (live runs) and a virtual clock that jumps to the next timer when the runtime is idle (tests, retrospective runs).

/** A source of time that can call back at a given instant. */
export interface Clock {
  readonly kind: "wall" | "virtual";
  now(): Date;
  /** Calls `fire` once at `at` (at once when `at` is not in the future); returns a function that cancels it. */
  schedule(at: Date, fire: () => void): () => void;
}

/** setTimeout's largest delay (2^31 − 1 ms); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Real time. A timer whose instant has passed fires on the next turn of the event loop. */
export class WallClock implements Clock {
  readonly kind = "wall";

  now(): Date {
    return new Date();
  }

  schedule(at: Date, fire: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    let canceled = false;
    const arm = (): void => {
      const wait = at.getTime() - Date.now();
      if (wait <= 0) {
        handle = setTimeout(() => {
          if (!canceled) fire();
        }, 0);
        return;
      }
      handle = setTimeout(arm, Math.min(wait, MAX_TIMEOUT_MS));
    };
    arm();
    return () => {
      canceled = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  }
}

interface VirtualTimer {
  at: number;
  order: number;
  fire: () => void;
}

/**
 * Time that moves only when told to. `advance()` jumps to the earliest pending timer and fires
 * every timer due at that instant; the runtime calls it only when it is idle (no episode running,
 * no activity in flight), so a three-hour canary runs in milliseconds.
 */
export class VirtualClock implements Clock {
  readonly kind = "virtual";
  private current: number;
  private timers: VirtualTimer[] = [];
  private counter = 0;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  schedule(at: Date, fire: () => void): () => void {
    const timer: VirtualTimer = { at: Math.max(at.getTime(), this.current), order: this.counter++, fire };
    this.timers.push(timer);
    if (timer.at <= this.current) setImmediate(() => this.fireDue());
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** The instant of the earliest pending timer, if any. */
  nextTimerAt(): Date | undefined {
    const next = this.earliest();
    return next === undefined ? undefined : new Date(next.at);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Jumps to the earliest pending timer and fires all timers due then; false when there is none. */
  advance(): boolean {
    const next = this.earliest();
    if (next === undefined) return false;
    this.current = Math.max(this.current, next.at);
    this.fireDue();
    return true;
  }

  /** Moves time forward to `at` (never backwards), firing every timer due by then in order. */
  advanceTo(at: Date): void {
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > at.getTime()) break;
      this.current = Math.max(this.current, next.at);
      this.fireDue();
    }
    this.current = Math.max(this.current, at.getTime());
  }

  private earliest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers)
      if (best === undefined || t.at < best.at || (t.at === best.at && t.order < best.order)) best = t;
    return best;
  }

  private fireDue(): void {
    const due = this.timers
      .filter((t) => t.at <= this.current)
      .sort((a, b) => a.at - b.at || a.order - b.order);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const t of due) t.fire();
  }
}
