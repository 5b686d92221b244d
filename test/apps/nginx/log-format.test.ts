// Access log expansion as ngx_http_log_module writes it: variables in both spellings, "-" for
// empty or missing values, and the default escaping of quotes, backslashes and bytes outside
// 0x20..0x7e as \xHH (UTF-8 bytes for non-ASCII).
import { describe, expect, it } from 'vitest';
import { escapeLogValue, expandLogFormat } from '../../../sim/apps/nginx/log.js';

describe('nginx log format', () => {
  it('expands $name and ${name}, writing "-" for empty or unknown variables', () => {
    const vars: Record<string, string> = { remote_addr: '192.168.0.10', status: '200', empty: '' };
    expect(expandLogFormat('$remote_addr - ${status}x "$empty" $nope', (n) => vars[n])).toBe('192.168.0.10 - 200x "-" -');
    expect(expandLogFormat('no variables', () => 'x')).toBe('no variables');
    expect(expandLogFormat('$status', (n) => vars[n])).toBe('200');
  });

  it('escapes quotes, backslashes, control bytes and UTF-8 as nginx does', () => {
    expect(escapeLogValue('curl/7.88.1')).toBe('curl/7.88.1');
    expect(escapeLogValue('a"b\\c')).toBe('a\\x22b\\x5Cc');
    expect(escapeLogValue('tab\there')).toBe('tab\\x09here');
    expect(escapeLogValue('é')).toBe('\\xC3\\xA9');
    expect(escapeLogValue('\x7f')).toBe('\\x7F');
    expect(expandLogFormat('"$http_user_agent"', () => 'x"y')).toBe('"x\\x22y"');
  });
});
