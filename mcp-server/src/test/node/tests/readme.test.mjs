// README's "Use with Claude Code / Codex" lines, taken from README.md and run exactly as written
// (with /path/to/k3mcp replaced by this checkout): each must start a server the TS client can use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { REPO, stop } from './helpers.mjs';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const start = readme.indexOf('## Use with Claude Code / Codex');
assert.ok(start >= 0, 'README.md has a "Use with Claude Code / Codex" section');
const rest = readme.slice(start + 3);
const section = rest.slice(0, rest.search(/^## /m) === -1 ? undefined : rest.search(/^## /m));
const local = (arg) => arg.replace('/path/to/k3mcp', REPO);
const portFree = (port) => new Promise((resolve) => {
  const probe = net.createServer().once('error', () => resolve(false))
    .once('listening', () => probe.close(() => resolve(true))).listen(port, '127.0.0.1');
});

async function listToolsOverStdio(command, args) {
  const client = new Client({ name: 'readme', version: '1' });
  await client.connect(new StdioClientTransport({ command, args, cwd: REPO, stderr: 'ignore' }));
  const { tools } = await client.listTools();
  await client.close();
  return tools;
}

describe('README: Claude Code and Codex configuration', () => {
  it('the `claude mcp add --transport stdio` line starts a working server', async () => {
    const m = /^claude mcp add --transport stdio (\S+) -- (.+)$/m.exec(section);
    assert.ok(m, 'a `claude mcp add --transport stdio <name> -- <command>` line');
    const [command, ...args] = m[2].trim().split(/\s+/).map(local);
    const tools = await listToolsOverStdio(command, args);
    assert.ok(Array.isArray(tools));
  });

  it('the Codex config.toml entry starts a working server', async () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(toml, 'a toml block');
    assert.match(toml, /^\[mcp_servers\.[\w-]+\]$/m);
    const command = /^command = "([^"]+)"$/m.exec(toml)?.[1];
    const args = JSON.parse(/^args = (\[.*\])$/m.exec(toml)?.[1] ?? 'null');
    assert.ok(command && Array.isArray(args), 'command and args');
    assert.ok(Number(/^startup_timeout_sec = (\d+)$/m.exec(toml)?.[1]) >= 30, 'a startup timeout for the JVM');
    const tools = await listToolsOverStdio(local(command), args.map(local));
    assert.ok(Array.isArray(tools));
  });

  it('the `claude mcp add --transport http` URL reaches `./k3mcp serve --transport http`', async (t) => {
    const url = /^claude mcp add --transport http (\S+) (\S+)$/m.exec(section)?.[2];
    const serve = /`(\.\/k3mcp serve --transport http)`/.exec(section)?.[1];
    assert.ok(url && serve, 'the http line and the serve command it needs');
    if (!(await portFree(Number(new URL(url).port)))) {
      t.skip(`port ${new URL(url).port} is taken by another process on this machine; the README's default cannot be tried`);
      return;
    }
    const [cmd, ...args] = serve.split(' ');
    const child = spawn(path.join(REPO, cmd), args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    try {
      for (let i = 0; i < 3000 && !/event=serving/.test(stderr); i++) {
        assert.equal(child.exitCode, null, `server exited:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const client = new Client({ name: 'readme-http', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      assert.ok(Array.isArray(tools));
      await client.close();
    } finally {
      await stop(child);
    }
  });
});
