/** The project's container engine (tools/image/ensure-engine.sh: podman or docker), from a test. */
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const IMAGE_TOOLS = resolve(__dirname, '..');

export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ContainerEngine {
  readonly name: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    // A test never installs an engine: the Makefile's `image` target did, or says what is missing.
    this.name = execFileSync(resolve(IMAGE_TOOLS, 'ensure-engine.sh'), {
      encoding: 'utf8',
      env: { ...process.env, MEETUP_NO_SYSTEM_INSTALL: '1' },
    }).trim();
    this.env =
      this.name === 'podman'
        ? {
            ...process.env,
            CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? resolve(IMAGE_TOOLS, 'containers.conf'),
          }
        : process.env;
  }

  /** Runs the engine's command; a non-zero exit is a result, not an error. */
  run(args: string[]): Promise<EngineResult> {
    return new Promise((done) => {
      execFile(
        this.name,
        args,
        { env: this.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs the engine's command and returns its output; rejects, with what it said, when it fails. */
  async ok(args: string[]): Promise<string> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new Error(`${this.name} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
    }
    return result.stdout;
  }

  /**
   * `run` flags that hold a container to what the chart's securityContext asks: read-only root
   * with only /tmp writable (the chart's emptyDir), no capabilities, no privilege gain, uid 10001.
   * The host network reaches the local engines on 127.0.0.1.
   */
  hardened(): string[] {
    return [
      '--read-only',
      // podman would also mount tmpfs on /run and /var/tmp; the chart gives /tmp only.
      ...(this.name === 'podman' ? ['--read-only-tmpfs=false'] : []),
      '--tmpfs',
      '/tmp',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--user',
      '10001:10001',
      '--network=host',
    ];
  }

  /** What a container printed so far (stdout and stderr). */
  async logs(container: string): Promise<string> {
    const { stdout, stderr } = await this.run(['logs', container]);
    return stdout + stderr;
  }
}

/** `-e KEY=value` flags for an environment. */
export function envFlags(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}
