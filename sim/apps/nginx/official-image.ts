// The official nginx image as a ready model: nginx.conf with conf.d/default.conf included, for the
// 1.19 generation (the ICTSC 2020 write-up's logs: 612-byte index.html) or the 1.2x one.

import type { Parsed } from '../../core/diagnostics.js';
import {
  DEFAULT_CONF_1_19, DEFAULT_CONF_1_2X, NGINX_CONF_1_19, NGINX_CONF_1_2X, NGINX_IMAGE_PATHS, parseNginxConf,
} from '../../parsers/nginx-conf/index.js';
import { resolveNginx, type NginxModel } from './model.js';

/**
 * `confD` replaces the image's /etc/nginx/conf.d (a ConfigMap mounted there): its *.conf files, in
 * name order as nginx's include glob reads them.
 */
export function officialImageModel(version = '1.19.3', opts: { readonly confD?: readonly { readonly file: string; readonly name: string; readonly text: string }[] } = {}): Parsed<NginxModel> {
  const old = /^1\.(1\d|20)\./.test(version);
  const main = parseNginxConf(old ? NGINX_CONF_1_19 : NGINX_CONF_1_2X, { file: NGINX_IMAGE_PATHS.nginxConf });
  const files = opts.confD
    ? [...opts.confD].filter((f) => f.name.endsWith('.conf')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => parseNginxConf(f.text, { file: f.file, context: 'http' }))
    : [parseNginxConf(old ? DEFAULT_CONF_1_19 : DEFAULT_CONF_1_2X, { file: NGINX_IMAGE_PATHS.defaultConf, context: 'http' })];
  const r = resolveNginx(main.value, new Map([['/etc/nginx/conf.d/*.conf', files.map((f) => f.value)]]));
  return { value: r.value, diagnostics: [...main.diagnostics, ...files.flatMap((f) => f.diagnostics), ...r.diagnostics] };
}
