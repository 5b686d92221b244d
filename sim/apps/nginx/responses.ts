// Response bodies nginx generates itself (src/http/ngx_http_special_response.c) and the files the
// official image ships (docs/html of the nginx source). Error pages are
// "<html>\r\n<head><title>CODE TEXT</title></head>\r\n<body>\r\n<center><h1>CODE TEXT</h1></center>\r\n"
// followed by the tail "<hr><center>nginx/VERSION</center>\r\n</body>\r\n</html>\r\n" (server_tokens on;
// "nginx" alone when off), plus six 68-byte padding comment lines for MSIE/Chrome user agents on
// 4xx/5xx (msie_padding on). Sizes of index.html: 612 bytes up to 1.21.1, 615 from 1.21.2 (dark
// mode), 896 from 1.29.6; 50x.html: 494 up to 1.21.1, then 497.

export const REASONS: Readonly<Record<number, string>> = {
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Authorization Required', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Not Allowed', 406: 'Not Acceptable', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone',
  411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Large',
  415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable', 421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out', 505: 'HTTP Version Not Supported', 507: 'Insufficient Storage',
};

const MSIE_PADDING_BYTES = 6 * 68;

function versionAtLeast(v: string, min: readonly [number, number, number]): boolean {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  for (const [x, y] of [[a, min[0]], [b, min[1]], [c, min[2]]] as const) { if (x !== y) return x > y; }
  return true;
}

/** Size of the body nginx generates for `code`, or undefined when it sends none (e.g. 204, 2xx). */
export function specialResponseSize(code: number, opts: { readonly version: string; readonly serverTokens: 'on' | 'off' | 'build'; readonly userAgent?: string }): number | undefined {
  const reason = REASONS[code];
  if (reason === undefined) return undefined;
  const head = `<html>\r\n<head><title>${code} ${reason}</title></head>\r\n<body>\r\n<center><h1>${code} ${reason}</h1></center>\r\n`;
  const ver = opts.serverTokens === 'off' ? 'nginx' : `nginx/${opts.version}`;
  const tail = `<hr><center>${ver}</center>\r\n</body>\r\n</html>\r\n`;
  let n = head.length + tail.length;
  if (code >= 400 && isMsieOrChrome(opts.userAgent)) n += MSIE_PADDING_BYTES;
  return n;
}

/** ngx_http_process_user_agent: "MSIE " (not Opera), or "Chrome/" when not Gecko. */
function isMsieOrChrome(ua: string | undefined): boolean {
  if (!ua) return false;
  const opera = ua.includes('Opera');
  const msieAt = ua.indexOf('MSIE ');
  if (msieAt >= 0 && msieAt + 7 < ua.length && !opera) return true;
  if (opera) return false;
  return !ua.includes('Gecko/') && ua.includes('Chrome/');
}

export function indexHtmlSize(version: string): number {
  if (versionAtLeast(version, [1, 29, 6])) return 896;
  if (versionAtLeast(version, [1, 21, 2])) return 615;
  return 612;
}

export function x50HtmlSize(version: string): number {
  return versionAtLeast(version, [1, 21, 2]) ? 497 : 494;
}
