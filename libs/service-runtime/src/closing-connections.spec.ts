import { Agent, createServer, get, type Server } from 'node:http';
import { once } from 'node:events';
import { closeConnectionsWhenStopping } from './closing-connections';

/** A server that answers 503 after `delayMs`, as a stopping console refuses a page. */
async function slowRefusingServer(delayMs: number): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    setTimeout(() => {
      response.writeHead(503);
      response.end('stopping');
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

/** One GET on the keep-alive agent: the Connection header answered, or the error code. */
function request(port: number, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, agent }, (response) => {
      response.resume();
      response.on('end', () => {
        resolve(String(response.headers.connection));
      });
    }).on('error', (error: NodeJS.ErrnoException) => {
      resolve(`error ${String(error.code)}`);
    });
  });
}

/**
 * A client that reuses its keep-alive connection every 100 ms, with a request in flight
 * when the server closes: what it was answered, request by request, and whether the
 * server finished closing.
 */
async function closeWhileReused(flip: boolean): Promise<{ answers: string[]; closed: boolean }> {
  const { server, port } = await slowRefusingServer(50);
  const stopping = closeConnectionsWhenStopping(server);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const serverState = { closed: false };
  const answers = [await request(port, agent)];
  const inFlight = request(port, agent);
  await once(server, 'request');
  if (flip) stopping();
  server.close(() => {
    serverState.closed = true;
  });
  answers.push(await inFlight);
  for (let i = 0; i < 10 && !serverState.closed; i++) {
    answers.push(await request(port, agent));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const closed = serverState.closed;
  if (closed) answers.push(await request(port, agent));
  else server.closeAllConnections();
  agent.destroy();
  return { answers, closed };
}

describe('closeConnectionsWhenStopping', () => {
  it('lets close() finish although a client keeps reusing a connection busy at close time', async () => {
    const { answers, closed } = await closeWhileReused(true);
    expect(closed).toBe(true);
    expect(answers.slice(0, 2)).toEqual(['keep-alive', 'close']);
    // The next try needs a new connection, which the closed server no longer accepts.
    expect(answers[2]).toBe('error ECONNREFUSED');
  });

  it('is needed: without the switch such a client keeps the server open indefinitely', async () => {
    const { answers, closed } = await closeWhileReused(false);
    expect(closed).toBe(false);
    expect(answers.every((answer) => answer === 'keep-alive')).toBe(true);
  });

  it('closes the connection of a request that arrives once the server is stopping', async () => {
    const { server, port } = await slowRefusingServer(0);
    const stopping = closeConnectionsWhenStopping(server);
    const agent = new Agent({ keepAlive: true });
    stopping();
    expect(await request(port, agent)).toBe('close');
    agent.destroy();
    server.close();
    await once(server, 'close');
  });

  it('changes nothing while the server is not stopping', async () => {
    const { server, port } = await slowRefusingServer(0);
    closeConnectionsWhenStopping(server);
    const agent = new Agent({ keepAlive: true });
    expect(await request(port, agent)).toBe('keep-alive');
    agent.destroy();
    server.close();
    await once(server, 'close');
  });
});
