// Prints the CycloneDX SBOM (`npm sbom`) of the installed tree. The Dockerfile runs it once the
// tree holds production dependencies only and package.json lists no devDependencies (else npm
// reports them missing). Not `npm sbom --omit dev` on the full tree: that drops production
// packages a dev dependency also reaches (npm/cli#7909; here kafkajs and @nestjs/common).
// Reproducible: no timestamp, and a serial number derived from the content.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const bom = JSON.parse(
  execFileSync('npm', ['sbom', '--sbom-format', 'cyclonedx'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  }),
);
delete bom.metadata.timestamp;
bom.serialNumber = '';
const hex = createHash('sha256').update(JSON.stringify(bom)).digest('hex');
// A name-based (version 5 layout) UUID: the same tree gives the same serial number.
const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
bom.serialNumber = `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
process.stdout.write(`${JSON.stringify(bom, null, 2)}\n`);
