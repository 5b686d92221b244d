// Every UI string exists in English and Japanese, with the same {placeholders}; t() fills them.
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/en.js';
import { ja } from '../../renderer/i18n/ja.js';
import { translate } from '../../renderer/i18n/index.js';

const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

describe('i18n', () => {
  it('both dictionaries have the same keys', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });
  it('no string is empty and the placeholders match', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[k].length, k).toBeGreaterThan(0);
      expect(ja[k].length, k).toBeGreaterThan(0);
      expect(holes(ja[k]), k).toEqual(holes(en[k]));
    }
  });
  it('the Japanese dictionary is actually Japanese where the English is prose', () => {
    const jp = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const prose = (Object.keys(en) as (keyof typeof en)[]).filter((k) => / [a-z]+ [a-z]+/.test(en[k]));
    expect(prose.length).toBeGreaterThan(20);
    for (const k of prose) expect(jp.test(ja[k]), k).toBe(true);
  });
  it('translate fills placeholders and leaves unknown ones', () => {
    expect(translate('en', 'run.running', { n: 12 })).toBe('Running… 12 events so far');
    expect(translate('ja', 'run.running', { n: 12 })).toBe('実行中… 12 イベント受信');
    expect(translate('en', 'run.running')).toBe('Running… {n} events so far');
  });
});
