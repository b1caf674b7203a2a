/** One dependency a service needs to do its work (database, broker, another service). */
export interface HealthIndicator {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export type CheckState = 'up' | 'down';

export interface Readiness {
  status: CheckState;
  checks: Record<string, CheckState>;
}

/** Readiness is the conjunction of every registered dependency check, each bounded in time. */
export class HealthRegistry {
  private readonly indicators = new Map<string, HealthIndicator>();

  constructor(private readonly timeoutMs = 2000) {}

  register(indicator: HealthIndicator): void {
    this.indicators.set(indicator.name, indicator);
  }

  async readiness(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.indicators.values()].map(async (indicator) => [indicator.name, await this.probe(indicator)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, state]) => state === 'up') ? 'up' : 'down', checks };
  }

  private async probe(indicator: HealthIndicator): Promise<CheckState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), this.timeoutMs);
    });
    try {
      await Promise.race([indicator.check(), timeout]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
