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

/** Status texts nginx writes for codes that have no page of their own (ngx_http_status_lines). */
const STATUS_TEXTS: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content', 304: 'Not Modified',
};

/** Content types by file extension: the official image's mime.types, for the files it serves. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html', htm: 'text/html', shtml: 'text/html', css: 'text/css', xml: 'text/xml', txt: 'text/plain',
  gif: 'image/gif', jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png', svg: 'image/svg+xml', svgz: 'image/svg+xml',
  ico: 'image/x-icon', webp: 'image/webp', js: 'application/javascript', json: 'application/json',
};

/** default_type in the image's nginx.conf. */
const DEFAULT_TYPE = 'application/octet-stream';

/** What a response head says (ngx_http_header_filter and the static module's headers). */
export interface ResponseHeadFields {
  readonly status: number;
  readonly version: string;
  readonly serverTokens: 'on' | 'off' | 'build';
  /** The request's time, ms since the Unix epoch (the Date header, to the second). */
  readonly timeMs: number;
  readonly contentLength: number;
  /** A static file: its path (Content-Type) and modification time (Last-Modified, ETag). */
  readonly file?: { readonly path: string; readonly mtime: number };
  readonly location?: string;
  readonly keepAlive: boolean;
}

/**
 * The head as nginx writes it: status line, Server, Date, Content-Type, Content-Length,
 * Last-Modified, Location, Connection, then the static module's ETag and Accept-Ranges.
 */
export function responseHead(f: ResponseHeadFields): string {
  const text = STATUS_TEXTS[f.status] ?? REASONS[f.status] ?? '';
  let type = 'text/html';
  if (f.file) {
    const slash = f.file.path.lastIndexOf('/');
    const dot = f.file.path.lastIndexOf('.');
    type = dot > slash ? MIME_TYPES[f.file.path.slice(dot + 1).toLowerCase()] ?? DEFAULT_TYPE : DEFAULT_TYPE;
  }
  let s = `HTTP/1.1 ${f.status} ${text}\r\nServer: ${f.serverTokens === 'off' ? 'nginx' : `nginx/${f.version}`}\r\n`;
  s += `Date: ${new Date(Math.floor(f.timeMs / 1000) * 1000).toUTCString()}\r\nContent-Type: ${type}\r\nContent-Length: ${f.contentLength}\r\n`;
  if (f.file) s += `Last-Modified: ${new Date(f.file.mtime * 1000).toUTCString()}\r\n`;
  if (f.location !== undefined) s += `Location: ${f.location}\r\n`;
  s += `Connection: ${f.keepAlive ? 'keep-alive' : 'close'}\r\n`;
  if (f.file) s += `ETag: "${f.file.mtime.toString(16)}-${f.contentLength.toString(16)}"\r\nAccept-Ranges: bytes\r\n`;
  return `${s}\r\n`;
}

/**
 * Whether the connection stays open after the response (r->keepalive): HTTP/1.1 unless the client
 * asked to close, HTTP/1.0 only when it asked to keep it; never after a 400.
 */
export function keepAliveFor(httpVersion: string, headers: readonly (readonly [string, string])[], status: number): boolean {
  if (status === 400) return false;
  let conn: string | undefined;
  for (const [k, v] of headers) if (k.length === 10 && k.toLowerCase() === 'connection') { conn = v.toLowerCase(); break; }
  if (httpVersion === 'HTTP/1.1') return conn !== 'close';
  return httpVersion === 'HTTP/1.0' && conn === 'keep-alive';
}
