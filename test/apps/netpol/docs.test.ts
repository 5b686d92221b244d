// docs/netpol.md documents every verdict reason the engine can give, and no other.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { DIRECTION_REASONS } from '../../../sim/apps/netpol/index.js';

it('the reasons table in docs/netpol.md matches DIRECTION_REASONS', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/netpol.md', import.meta.url)), 'utf8');
  const table = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  expect(table).toEqual([...DIRECTION_REASONS]);
});
