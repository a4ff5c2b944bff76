// Starts the k3mcp jar and connects the official TypeScript SDK client over stdio, Streamable HTTP or SSE.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JAR = process.env.K3MCP_JAR ?? path.resolve(here, '../../../../target/k3mcp.jar');
export const REPO = process.env.K3MCP_REPO ?? path.resolve(here, '../../../../..');
export const TRANSPORTS = ['stdio', 'http', 'sse'];

/** Starts `java -jar k3mcp.jar serve --transport <http|sse> --port 0 ...extra` and resolves its port. */
export function startHttpServer(transport, extra = []) {
  const child = spawn('java', ['-jar', JAR, 'serve', '--transport', transport, '--port', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /event=serving transport=\S+ url=http:\/\/[^:/]+:(\d+)\//.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => stderr, stop: () => stop(child) });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
}

/** SIGTERM, then wait for the exit status (the server must shut down cleanly). */
export function stop(child) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

/**
 * A connected client on one transport. Returns { client, logs, close, stderr }: logs collects
 * notifications/message the server sends.
 */
export async function connect(transport, { token, extraArgs = [] } = {}) {
  const client = new Client({ name: 'k3mcp-e2e', version: '1.0.0' });
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { logs.push(n.params); });
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  if (transport === 'stdio') {
    const t = new StdioClientTransport({
      command: 'java', args: ['-jar', JAR, 'serve', '--transport', 'stdio', ...extraArgs], stderr: 'pipe',
    });
    let stderr = '';
    t.stderr.on('data', (c) => { stderr += c; });
    await client.connect(t);
    return { client, logs, stderr: () => stderr, close: () => client.close() };
  }
  const server = await startHttpServer(transport, [...(token ? ['--token', token] : []), ...extraArgs]);
  const base = `http://127.0.0.1:${server.port}`;
  const t = transport === 'http'
    ? new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } })
    : new SSEClientTransport(new URL(`${base}/sse`), { requestInit: { headers } });
  await client.connect(t);
  return {
    client, logs, port: server.port, base, stderr: server.stderr,
    close: async () => { await client.close(); return server.stop(); },
  };
}

/** Resolves when `test()` is true, polling; rejects with `what` after `ms`. */
export async function waitFor(test, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
