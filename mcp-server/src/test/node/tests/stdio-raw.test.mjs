// Raw stdio: a line that is not JSON gets a JSON-RPC parse error and the server keeps serving; stdout
// carries nothing but JSON-RPC.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { JAR, stop } from './helpers.mjs';

describe('stdio, raw lines', () => {
  it('answers a non-JSON line with -32700 and keeps serving', async () => {
    const child = spawn('java', ['-jar', JAR, 'serve', '--transport', 'stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const send = (o) => child.stdin.write((typeof o === 'string' ? o : JSON.stringify(o)) + '\n');
    const waitId = async (pred) => {
      for (let i = 0; i < 1500; i++) {
        const hit = lines.map((l) => JSON.parse(l)).find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching reply; got ${lines.join('\n')}`);
    };
    send({ jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await waitId((m) => m.id === 1);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send('this line is not JSON');
    const parseError = await waitId((m) => m.error && m.id === null);
    assert.equal(parseError.error.code, -32700);
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const listed = await waitId((m) => m.id === 2);
    assert.ok(Array.isArray(listed.result.tools));
    for (const l of lines) assert.equal(JSON.parse(l).jsonrpc, '2.0');
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    assert.equal(child.exitCode, 0, 'exits 0 when stdin ends');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const child = spawn('java', ['-jar', JAR, 'serve', '--transport', 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    for (let i = 0; i < 1500 && !/event=serving/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
    const code = await stop(child);
    assert.ok(code === 0 || code === 143, `exit ${code}`);
    assert.match(stderr, /event=shutdown/);
  });
});
