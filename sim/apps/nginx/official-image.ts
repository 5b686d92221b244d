// The official nginx image as a ready model: nginx.conf with conf.d/default.conf included, for the
// 1.19 generation (the ICTSC 2020 write-up's logs: 612-byte index.html) or the 1.2x one.

import type { Parsed } from '../../core/diagnostics.js';
import {
  DEFAULT_CONF_1_19, DEFAULT_CONF_1_2X, NGINX_CONF_1_19, NGINX_CONF_1_2X, NGINX_IMAGE_PATHS, parseNginxConf,
} from '../../parsers/nginx-conf/index.js';
import { resolveNginx, type NginxModel } from './model.js';

export function officialImageModel(version = '1.19.3'): Parsed<NginxModel> {
  const old = /^1\.(1\d|20)\./.test(version);
  const main = parseNginxConf(old ? NGINX_CONF_1_19 : NGINX_CONF_1_2X, { file: NGINX_IMAGE_PATHS.nginxConf });
  const def = parseNginxConf(old ? DEFAULT_CONF_1_19 : DEFAULT_CONF_1_2X, { file: NGINX_IMAGE_PATHS.defaultConf, context: 'http' });
  const r = resolveNginx(main.value, new Map([['/etc/nginx/conf.d/*.conf', [def.value]]]));
  return { value: r.value, diagnostics: [...main.diagnostics, ...def.diagnostics, ...r.diagnostics] };
}
