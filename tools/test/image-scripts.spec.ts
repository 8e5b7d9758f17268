/**
 * The image scripts (tools/image) choosing a container engine: what they pick, and on bad input
 * (no engine, an unknown one) a message saying what to install or set, and a non-zero exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ensureEngine = resolve(__dirname, '../image/ensure-engine.sh');

/** A PATH holding only `id` and the given fake commands (name → shell script body). */
function pathWith(commands: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-path-'));
  symlinkSync('/usr/bin/id', join(dir, 'id'));
  for (const [name, body] of Object.entries(commands)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

function ensure(env: Record<string, string>) {
  const result = spawnSync('/bin/bash', [ensureEngine], {
    encoding: 'utf8',
    env: { HOME: tmpdir(), MEETUP_NO_SYSTEM_INSTALL: '1', ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe('tools/image/ensure-engine.sh', () => {
  it('without podman or a Docker daemon, and installs disabled, says what to install and exits non-zero', () => {
    const result = ensure({ PATH: pathWith({}) });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no container engine found');
    expect(result.stderr).toContain('apt-get install podman buildah runc');
  });

  it('takes podman when docker is installed but its daemon does not answer', () => {
    const result = ensure({ PATH: pathWith({ docker: 'exit 1', podman: 'exit 0' }) });
    expect(result).toMatchObject({ status: 0, stdout: 'podman' });
  });

  it('takes docker when its daemon answers', () => {
    const result = ensure({ PATH: pathWith({ docker: 'exit 0', podman: 'exit 0' }) });
    expect(result).toMatchObject({ status: 0, stdout: 'docker' });
  });

  it('refuses IMAGE_ENGINE=docker when no Docker daemon answers, saying so', () => {
    const result = ensure({ PATH: pathWith({ docker: 'exit 1' }), IMAGE_ENGINE: 'docker' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('IMAGE_ENGINE=docker but no Docker daemon answers');
  });

  it('refuses an engine it does not know, naming the ones it does', () => {
    const result = ensure({ PATH: pathWith({}), IMAGE_ENGINE: 'rkt' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("IMAGE_ENGINE must be podman or docker, not 'rkt'");
  });
});
