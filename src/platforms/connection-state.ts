/**
 * Where a platform's listener stands, for /healthz: `connecting` to begin with (retrying while the
 * platform is unreachable), `connected`, `reconnecting` after it was connected once, `failed` when a
 * configuration error made it give up, `stopped` once ainews stops it. `idle` before it is started.
 */
/**
 * Where a listener's connection stands. 'standby': another worker on the database holds the session only one
 * may hold (Discord's gateway); this one takes it over if that one dies, and sends its alerts meanwhile.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'standby' | 'failed' | 'stopped';

/** Keeps a listener's ConnectionState as its adapter reports what happens; stopping is final. */
export class ConnectionTracker {
  private current: ConnectionState = 'idle';
  private everConnected = false;

  get state(): ConnectionState {
    return this.current;
  }

  /** A connection is being made: the first one, or another after the last was lost. */
  connecting(): void {
    this.set(this.everConnected ? 'reconnecting' : 'connecting');
  }

  connected(): void {
    this.everConnected = true;
    this.set('connected');
  }

  /** Follows one round of keepStarting: connecting until it resolves, then connected or given up. */
  async track(starting: Promise<boolean>): Promise<boolean> {
    this.connecting();
    const started = await starting;
    if (started) this.connected();
    else this.set('failed');
    return started;
  }

  stopped(): void {
    this.current = 'stopped';
  }

  private set(state: ConnectionState): void {
    if (this.current !== 'stopped') this.current = state;
  }
}
