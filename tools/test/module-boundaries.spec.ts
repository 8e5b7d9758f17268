import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

/**
 * Lints `code` as a source file of the project in `projectDir`, with the
 * project's ESLint CLI and config. The file must exist for the type-aware
 * parser, so it is written for the run and removed afterwards.
 */
function boundaryErrors(projectDir: string, code: string): string[] {
  const file = join(root, projectDir, 'src', `boundary-probe-${process.pid}.ts`);
  writeFileSync(file, code);
  let output: string;
  try {
    output = execFileSync(resolve(root, 'node_modules/.bin/eslint'), ['--format', 'json', file], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch (error) {
    // ESLint exits 1 when it reports errors; the report is still on stdout.
    output = (error as { stdout: string }).stdout;
  } finally {
    rmSync(file);
  }
  const [result] = JSON.parse(output) as LintResult[];
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
}

describe('module boundaries (Nx tags, enforced by ESLint)', () => {
  beforeAll(() => {
    // The rule reads the cached project graph; `npm run lint` computes it the same way.
    execFileSync(resolve(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root });
  });

  it('stops a logic library from importing Kafka or an adapter library', () => {
    const errors = boundaryErrors(
      'libs/contracts',
      "import { Kafka } from 'kafkajs';\nimport { createLogger } from '@meetup/observability';\nexport const probe = [Kafka, createLogger];\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('not allowed to import "kafkajs"'),
      expect.stringContaining('can only depend on libs tagged with "type:logic"'),
    ]);
  });

  it('stops production code from using the test helpers', () => {
    const errors = boundaryErrors(
      'libs/kafka',
      "import { uniqueName } from '@meetup/test-support';\nexport const probe = uniqueName;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('lets an adapter library use a logic library', () => {
    const errors = boundaryErrors(
      'libs/kafka',
      "import { Topics } from '@meetup/contracts';\nexport const probe = Topics;\n",
    );
    expect(errors).toEqual([]);
  });
});
