/**
 * Helper processes spoken to over IPC. The fakes run in them, so the process a benchmark samples
 * (memory, event-loop delay, CPU) is the bot's alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

type Answer = { id: number; result?: unknown; error?: string } | { ready: unknown };

/**
 * A helper process (a fake server) started from a module under bench/. `call` sends it an
 * operation and resolves with its answer. Messages use the structured-clone serialization, so
 * bigints (monotonic timestamps) cross intact. The helper exits with its parent.
 */
export class Helper<Ready = unknown> {
  readonly ready: Ready;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #next = 0;

  private constructor(child: ChildProcess, ready: Ready) {
    this.#child = child;
    this.ready = ready;
    child.on('message', (answer: Answer) => {
      if ('ready' in answer) return;
      const waiter = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (answer.error !== undefined) waiter?.reject(new Error(answer.error));
      else waiter?.resolve(answer.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`helper exited (${code})`));
      this.#waiting.clear();
    });
  }

  static start<Ready>(module: URL, args: string[] = []): Promise<Helper<Ready>> {
    const child = spawn(process.execPath, [fileURLToPath(module), ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${module.pathname} exited (${code})`));
      child.once('exit', onExit).once('error', reject);
      child.once('message', (answer: Answer) => {
        child.off('exit', onExit).off('error', reject);
        if ('ready' in answer) resolve(new Helper(child, answer.ready as Ready));
        else reject(new Error(`${module.pathname} spoke before it was ready`));
      });
    });
  }

  call<T>(op: string, args?: unknown): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ id, op, args });
    });
  }

  close(): void {
    this.#child.kill();
  }
}

/** The helper's side of `Helper`: answers each operation, announces `ready`, exits with its parent. */
export function serveHelper(ready: unknown, ops: Record<string, (args: never) => unknown>): void {
  process.on('message', async (message: { id: number; op: string; args: never }) => {
    try {
      const op = ops[message.op];
      if (!op) throw new Error(`unknown operation ${message.op}`);
      process.send?.({ id: message.id, result: await op(message.args) });
    } catch (error) {
      process.send?.({ id: message.id, error: String(error) });
    }
  });
  process.on('disconnect', () => process.exit());
  process.send?.({ ready });
}
