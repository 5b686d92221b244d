// The IPC contract and its handlers: every argument validated (count, type, shape), every sender
// checked (our window, top frame, app:// origin), reads confined to the granted folder even through
// symlinks, and the preload-side checks of what main sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INVOKE, validateGrantedFolder, validateInvokeArgs, validateMenuCommand, validateRelativePath } from '../../electron/shared/ipc-contract.js';
import { FolderRegistry, isInside, listFiles } from '../../electron/main/folders.js';
import { handleInvoke, IpcRefused, INVOKE_CHANNELS, type IpcDeps, type SenderInfo } from '../../electron/main/ipc-handlers.js';

let dir: string;
let outside: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoplab-ipc-'));
  outside = mkdtempSync(join(tmpdir(), 'hoplab-outside-'));
  mkdirSync(join(dir, 'scn', 'lb'), { recursive: true });
  mkdirSync(join(dir, 'scn', '.git'), { recursive: true });
  writeFileSync(join(dir, 'scn', 'topology.yaml'), 'name: x\n');
  writeFileSync(join(dir, 'scn', 'lb', 'haproxy.cfg'), 'global\n');
  writeFileSync(join(dir, 'scn', 'lb', 'core.bin'), 'x');
  writeFileSync(join(dir, 'scn', '.git', 'config'), 'secret');
  writeFileSync(join(outside, 'secret.yaml'), 'token: hunter2\n');
  symlinkSync(join(outside, 'secret.yaml'), join(dir, 'scn', 'escape.yaml'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('contract validators', () => {
  it('relative paths: plain segments only', () => {
    for (const ok of ['topology.yaml', 'lb/haproxy.cfg', 'a b/c.yaml']) expect(validateRelativePath(ok).ok, ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a\\b', 'C:/x', 'a\u0000b', 'x'.repeat(1025), 42, null]) expect(validateRelativePath(bad).ok, String(bad)).toBe(false);
  });

  it('per-channel argument lists, exact arity', () => {
    const tok = 'a'.repeat(32);
    expect(validateInvokeArgs(INVOKE.readFile, [tok, 'lb/haproxy.cfg'])).toEqual({ ok: true, value: [tok, 'lb/haproxy.cfg'] });
    expect(validateInvokeArgs(INVOKE.readFile, [tok]).ok).toBe(false);
    expect(validateInvokeArgs(INVOKE.readFile, [tok, 'a', 'extra']).ok).toBe(false);
    expect(validateInvokeArgs(INVOKE.readFile, ['ABC', 'a']).ok).toBe(false);
    expect(validateInvokeArgs(INVOKE.chooseFolder, []).ok).toBe(true);
    expect(validateInvokeArgs(INVOKE.chooseFolder, ['/etc']).ok).toBe(false);
    expect(validateInvokeArgs(INVOKE.setLanguage, ['ja']).ok).toBe(true);
    expect(validateInvokeArgs(INVOKE.setLanguage, ['fr']).ok).toBe(false);
    expect(validateInvokeArgs(INVOKE.setPresentation, [true]).ok).toBe(true);
    expect(validateInvokeArgs(INVOKE.setPresentation, ['true']).ok).toBe(false);
  });

  it('what main sends is checked before the page sees it', () => {
    expect(validateGrantedFolder({ token: 'f'.repeat(32), name: 'x', files: ['a.yaml'] }).ok).toBe(true);
    expect(validateGrantedFolder({ token: 'f'.repeat(32), name: 'x', files: ['../a.yaml'] }).ok).toBe(false);
    expect(validateMenuCommand({ command: 'set-language', language: 'ja' })).toEqual({ ok: true, value: { command: 'set-language', language: 'ja' } });
    expect(validateMenuCommand({ command: 'exec', arg: 'rm' }).ok).toBe(false);
  });
});

describe('folders', () => {
  it('lists text files, skipping hidden folders, binaries and symlinks', async () => {
    expect(await listFiles(join(dir, 'scn'))).toEqual(['topology.yaml', 'lb/haproxy.cfg']);
  });

  it('reads inside the grant and refuses escapes, unknown tokens and directories', async () => {
    const reg = new FolderRegistry();
    const g = await reg.grant(join(dir, 'scn'));
    expect(g.name).toBe('scn');
    expect(await reg.read(g.token, 'lb/haproxy.cfg')).toBe('global\n');
    await expect(reg.read(g.token, 'escape.yaml')).rejects.toThrow(/leaves the chosen folder/);
    await expect(reg.read(g.token, '../x')).rejects.toThrow();
    await expect(reg.read(g.token, 'lb')).rejects.toThrow(/regular file/);
    await expect(reg.read('0'.repeat(32), 'topology.yaml')).rejects.toThrow(/unknown folder/);
    expect((await reg.grant(join(dir, 'scn'))).token).toBe(g.token);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a/b')).toBe(false);
  });
});

describe('handlers', () => {
  const good: SenderInfo = { frame: { url: 'app://hoplab/index.html', parent: null }, webContentsId: 1 };
  const calls: string[] = [];
  const deps = (folders = new FolderRegistry()): IpcDeps => ({
    folders,
    isOurWindow: (id) => id === 1,
    actions: {
      pickFolder: async () => join(dir, 'scn'),
      defaultScenarioPath: () => join(dir, 'scn'),
      addRecent: (p) => calls.push(`recent ${p}`),
      setLanguage: (l) => calls.push(`lang ${l}`),
      setPresentation: (on) => calls.push(`pres ${on}`),
    },
  });

  it('refuses senders that are not our top frame on app://hoplab', async () => {
    const bad: SenderInfo[] = [
      { frame: { url: 'https://evil.example/', parent: null }, webContentsId: 1 },
      { frame: { url: 'app://hoplab/index.html', parent: {} }, webContentsId: 1 },
      { frame: { url: 'app://other/index.html', parent: null }, webContentsId: 1 },
      { frame: { url: 'file:///index.html', parent: null }, webContentsId: 1 },
      { frame: null, webContentsId: 1 },
      { frame: { url: 'app://hoplab/index.html', parent: null }, webContentsId: 2 },
    ];
    for (const s of bad) await expect(handleInvoke(deps(), INVOKE.chooseFolder, s, [])).rejects.toBeInstanceOf(IpcRefused);
  });

  it('choose -> read round trip; invalid arguments refused before any I/O', async () => {
    const d = deps();
    const g = await handleInvoke(d, INVOKE.chooseFolder, good, []);
    expect(g?.files).toContain('topology.yaml');
    expect(calls).toContain(`recent ${join(dir, 'scn')}`);
    expect(await handleInvoke(d, INVOKE.readFile, good, [g!.token, 'topology.yaml'])).toBe('name: x\n');
    await expect(handleInvoke(d, INVOKE.readFile, good, [g!.token, '/etc/passwd'])).rejects.toThrow(/relative/);
    await expect(handleInvoke(d, INVOKE.readFile, good, [g!.token])).rejects.toThrow(/2 argument/);
    await handleInvoke(d, INVOKE.setLanguage, good, ['ja']);
    await handleInvoke(d, INVOKE.setPresentation, good, [true]);
    expect(calls).toContain('lang ja');
    expect(calls).toContain('pres true');
    expect(INVOKE_CHANNELS).toHaveLength(Object.keys(INVOKE).length);
  });

  it('the default scenario is granted without a dialog', async () => {
    const g = await handleInvoke(deps(), INVOKE.openDefaultScenario, good, []);
    expect(g?.name).toBe('scn');
  });
});
