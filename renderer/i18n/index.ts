// Run-time switchable UI language: t(key, vars) over the English and Japanese dictionaries.

import { en, type MessageKey } from './en.js';
import { ja } from './ja.js';
import { useApp, type Language } from '../state/store.js';

export type { MessageKey };
export const DICTIONARIES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, ja };

export type Vars = Readonly<Record<string, string | number>>;

export function translate(lang: Language, key: MessageKey, vars: Vars = {}): string {
  const s = DICTIONARIES[lang][key] ?? en[key];
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export type T = (key: MessageKey, vars?: Vars) => string;

export function useT(): T {
  const lang = useApp((s) => s.language);
  return (key, vars) => translate(lang, key, vars);
}
