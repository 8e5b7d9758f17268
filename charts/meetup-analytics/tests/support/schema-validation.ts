import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { repoRoot, type K8sObject } from './helm';

/** The operators' CRDs (../shared/crds), as kubeconform would read them. */
export const crdDir = process.env.MEETUP_CRDS_DIR ?? resolve(repoRoot, '../shared/crds');

type Schema = Record<string, unknown>;
export interface Problem {
  object: string;
  message: string;
}

/**
 * A CRD's structural schema → JSON Schema that refuses unknown fields, as the API server's
 * strict field validation does: objects with `properties` get `additionalProperties: false`
 * unless they preserve unknown fields; int-or-string and nullable become JSON Schema.
 */
export function strictSchema(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strictSchema(v)]),
      );
    } else if (
      (key === 'items' || key === 'additionalProperties') &&
      value &&
      typeof value === 'object'
    ) {
      out[key] = strictSchema(value as Schema);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = (value as Schema[]).map(strictSchema);
    } else if (!key.startsWith('x-kubernetes-') && key !== 'nullable' && key !== 'format') {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !preserves) {
    out.additionalProperties = false;
  }
  return out;
}

interface CrdDocument {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
  };
}

/** CRD patterns are Go (RE2) expressions; the only RE2-only syntax they use is the `(?i)` flag. */
const re2 = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)')
      ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: 'RegExp' },
);

/** Validators by `<group>/<version>/<Kind>`, compiled on first use (the ECK schemas are large). */
export class CrdValidators {
  private readonly ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    code: { regExp: re2 },
  });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly schemas: Map<string, Schema>) {}

  get(key: string): ValidateFunction | undefined {
    const schema = this.schemas.get(key);
    if (!schema) return undefined;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(strictSchema(schema));
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

export function loadCrdValidators(): CrdValidators {
  const schemas = new Map<string, Schema>();
  for (const folder of readdirSync(crdDir, { withFileTypes: true }).filter((d) =>
    d.isDirectory(),
  )) {
    const dir = join(crdDir, folder.name);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const crd = doc.toJS() as CrdDocument | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions.filter((v) => v.served)) {
          schemas.set(
            `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
            version.schema.openAPIV3Schema,
          );
        }
      }
    }
  }
  return new CrdValidators(schemas);
}

/** Core and `*.k8s.io` groups are Kubernetes' own; any other dotted group is a custom resource. */
function isBuiltIn(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
  return !group.includes('.') || group.endsWith('.k8s.io');
}

export function validateCustomResources(objects: K8sObject[], crds: CrdValidators): Problem[] {
  const problems: Problem[] = [];
  for (const object of objects.filter((o) => !isBuiltIn(o.apiVersion))) {
    const where = `${object.kind}/${object.metadata.name}`;
    const validate = crds.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) {
      problems.push({ object: where, message: `no CRD for ${object.apiVersion} ${object.kind}` });
    } else if (!validate(object)) {
      const details = (validate.errors ?? []).map(
        (e) =>
          `${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`,
      );
      problems.push({ object: where, message: details.join('; ') });
    }
  }
  return problems;
}

/** Built-in kinds against the Kubernetes OpenAPI schemas of `kubernetes-models` (an ES module: child process). */
export function validateBuiltIns(objects: K8sObject[]): Problem[] {
  const builtIns = objects.filter((o) => isBuiltIn(o.apiVersion));
  const result = spawnSync(process.execPath, [join(__dirname, 'validate-kubernetes.mjs')], {
    input: JSON.stringify(builtIns),
    encoding: 'utf8',
    cwd: repoRoot,
  });
  if (result.status !== 0) throw new Error(`validate-kubernetes.mjs failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Problem[];
}

export const countBuiltIns = (objects: K8sObject[]) =>
  objects.filter((o) => isBuiltIn(o.apiVersion)).length;
