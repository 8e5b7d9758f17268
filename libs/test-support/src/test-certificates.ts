import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM of the CA that signed it (what a client trusts). */
  ca: string;
  cert: string;
  key: string;
  /** The same three as files, for programs that read paths. */
  files: { ca: string; cert: string; key: string };
}

/**
 * A CA made for one test run and a server certificate it signs for 127.0.0.1,
 * localhost and the given DNS names, with openssl — as an operator (Strimzi,
 * ECK) issues one for its cluster. EC keys: generated in milliseconds.
 */
export function issueTestCertificate(
  dnsNames: readonly string[] = [],
  commonName = 'meetup-test',
): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'test-certs-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ...['req', '-x509', ...ec, '-days', '2', '-subj', `/CN=${commonName} CA`],
    ...['-keyout', file('ca.key'), '-out', file('ca.crt')],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  const names = ['IP:127.0.0.1', ...['localhost', ...dnsNames].map((name) => `DNS:${name}`)];
  writeFileSync(
    file('tls.ext'),
    `subjectAltName=${names.join(',')}\nbasicConstraints=CA:FALSE\n` +
      'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    ...['req', ...ec, '-subj', `/CN=${commonName}`],
    ...['-keyout', file('tls.key'), '-out', file('tls.csr')],
  );
  openssl(
    ...['x509', '-req', '-in', file('tls.csr'), '-days', '2', '-extfile', file('tls.ext')],
    ...[
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('tls.crt'),
    ],
  );
  const files = { ca: file('ca.crt'), cert: file('tls.crt'), key: file('tls.key') };
  return {
    ca: readFileSync(files.ca, 'utf8'),
    cert: readFileSync(files.cert, 'utf8'),
    key: readFileSync(files.key, 'utf8'),
    files,
  };
}
