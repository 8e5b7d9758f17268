// Validates Kubernetes objects (JSON array on stdin) against the Kubernetes OpenAPI schemas
// compiled into the npm `kubernetes-models` package. An ES module, so the Jest (CommonJS)
// tests run it as a child process. Prints a JSON array of problems; unknown kinds are problems.
import { readFileSync } from 'node:fs';

const docs = JSON.parse(readFileSync(0, 'utf8'));
const problems = [];
for (const doc of docs) {
  const [group, version] = doc.apiVersion.includes('/')
    ? doc.apiVersion.split('/')
    : ['', doc.apiVersion];
  const modulePath =
    group === ''
      ? `kubernetes-models/${version}/${doc.kind}`
      : `kubernetes-models/${group}/${version}/${doc.kind}`;
  const where = `${doc.kind}/${doc.metadata?.name}`;
  let Model;
  try {
    Model = (await import(modulePath))[doc.kind];
  } catch {
    problems.push({
      object: where,
      message: `no Kubernetes schema for ${doc.apiVersion} ${doc.kind}`,
    });
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (error) {
    const details = (error.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
    problems.push({
      object: where,
      message: details.length > 0 ? details.join('; ') : String(error.message),
    });
  }
}
process.stdout.write(JSON.stringify(problems));
