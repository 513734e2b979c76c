import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Handle on a worker-process.ts child: wait for "ready", send "go", stop with SIGTERM or kill. */
export interface WorkerChild {
  proc: ChildProcess;
  pid: number;
  go(): void;
  /** SIGTERM, then the worker's final stats line. */
  stop(): Promise<Record<string, number>>;
  kill(): Promise<void>;
}

export const WORKER_SCRIPT = path.resolve(__dirname, 'worker-process.ts');

export async function spawnWorker(options: Record<string, unknown>): Promise<WorkerChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (out.includes('ready\n')) {
        clearInterval(check);
        resolve();
      }
    }, 10);
    void exited.then((code) => {
      clearInterval(check);
      reject(new Error(`worker process exited (${code}) before it was ready: ${err}`));
    });
  });
  return {
    proc,
    pid: proc.pid as number,
    go: () => proc.stdin?.write('go\n'),
    async stop() {
      proc.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`worker process exited with ${code}: ${err}`);
      const line = out.split('\n').find((l) => l.startsWith('stats '));
      if (!line) throw new Error(`worker process printed no stats: ${out} ${err}`);
      return JSON.parse(line.slice(6)) as Record<string, number>;
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
