// The shape of an nginx configuration as nginx reads it (src/core/ngx_conf_file.c): directives
// with arguments, ended by `;` or followed by a `{ ... }` block. Every directive keeps its raw
// text and location; typed views of the http/server/location directives live in sim/apps/nginx.

import type { SourceLocation } from '../../core/diagnostics.js';

export interface NginxDirective {
  readonly name: string;
  readonly args: readonly string[];
  /** 1-based column of each argument, on the line where it starts. */
  readonly argLocs: readonly SourceLocation[];
  /** Present for block directives (events, http, server, location, ...). */
  readonly block?: readonly NginxDirective[];
  /** Source text from the directive name to its `;` or `{`. */
  readonly raw: string;
  readonly loc: SourceLocation;
}

export interface NginxConfig {
  readonly file: string;
  readonly directives: readonly NginxDirective[];
  /** `include` directives in the order they appear; the caller resolves them. */
  readonly includes: readonly NginxDirective[];
  readonly text: string;
}
