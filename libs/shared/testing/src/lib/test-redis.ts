import { ChildProcess, spawn } from 'node:child_process';
import { eventually, freePort } from './test-postgres';

/** A redis-server of the test's own (Debian's package, deploy/local/redis.sh), on a free port, nothing persisted. */
export class TestRedis {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<TestRedis> {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
        return output.includes('Ready to accept connections') ? true : undefined;
      }, 15000, 50);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start (run deploy/local/redis.sh install): ${(error as Error).message}`);
    }
    return new TestRedis(`redis://127.0.0.1:${port}`, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
