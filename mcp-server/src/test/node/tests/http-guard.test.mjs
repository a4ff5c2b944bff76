// HTTP safety: bearer token (401 with WWW-Authenticate), foreign Origin (403), loopback-only without a token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { JAR, startHttpServer } from './helpers.mjs';

const TOKEN = 'e2e-token-1234';
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

for (const transport of ['http', 'sse']) {
  describe(`guards over ${transport}`, () => {
    let server;
    let url;
    before(async () => {
      server = await startHttpServer(transport, ['--token', TOKEN]);
      url = `http://127.0.0.1:${server.port}${transport === 'http' ? '/mcp' : '/sse'}`;
    });
    after(async () => {
      const code = await server?.stop();
      assert.ok(code === 0 || code === 143 || code === 'SIGTERM', `clean exit on SIGTERM, got ${code}`);
      assert.match(server.stderr(), /event=shutdown/);
    });

    const post = (headers) => fetch(transport === 'http' ? url : url.replace('/sse', '/message?sessionId=x'), {
      method: 'POST', body: JSON.stringify(INIT),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    });

    it('refuses a missing token with 401 and WWW-Authenticate', async () => {
      const res = await post({});
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    });

    it('refuses a wrong token with 401', async () => {
      const res = await post({ Authorization: 'Bearer wrong' });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('refuses a foreign Origin with 403 and allows a localhost one', async () => {
      const foreign = await post({ Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      const client = new Client({ name: 'origin', version: '1' });
      const headers = { Authorization: `Bearer ${TOKEN}`, Origin: 'http://localhost:3000' };
      await client.connect(transport === 'http'
        ? new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })
        : new SSEClientTransport(new URL(url), { requestInit: { headers } }));
      await client.ping();
      await client.close();
    });

    it('the SDK client fails to connect with a wrong token', async () => {
      const client = new Client({ name: 'wrong', version: '1' });
      const headers = { Authorization: 'Bearer wrong' };
      await assert.rejects(client.connect(transport === 'http'
        ? new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })
        : new SSEClientTransport(new URL(url), { requestInit: { headers } })));
    });

    it('works with the right token', async () => {
      const client = new Client({ name: 'right', version: '1' });
      const headers = { Authorization: `Bearer ${TOKEN}` };
      await client.connect(transport === 'http'
        ? new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })
        : new SSEClientTransport(new URL(url), { requestInit: { headers } }));
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'board-status'));
      await client.close();
    });
  });
}

describe('binding', () => {
  it('refuses a non-loopback address without a token (exit 2)', () => {
    const r = spawnSync('java', ['-jar', JAR, 'serve', '--transport', 'http', '--host', '0.0.0.0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--host 0\.0\.0\.0 is not a loopback address/);
  });
});
