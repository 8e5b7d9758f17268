// A webhook receiver for the demo: prints every notification it gets, answers 200.
import { createServer } from 'node:http';

const port = Number(process.env.RECEIVER_PORT ?? 8095);

createServer((request, response) => {
  if (request.url === '/health/ready') {
    response.end('ok');
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let payload = body;
    try {
      payload = JSON.parse(body);
    } catch {
      // not JSON: print it as it came
    }
    console.log(
      JSON.stringify({
        at: new Date().toISOString(),
        method: request.method,
        path: request.url,
        idempotencyKey: request.headers['idempotency-key'],
        signature: request.headers['x-meetup-signature'],
        payload,
      }),
    );
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
}).listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'webhook receiver listening', port }));
});
