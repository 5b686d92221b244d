// nginx configuration parser: public surface.
export { parseNginxConf } from './parse.js';
export { serializeNginxConf, quoteNginxArg } from './serialize.js';
export { MODELLED as NGINX_MODELLED_DIRECTIVES, RECORDED as NGINX_RECORDED_DIRECTIVES } from './directives.js';
export { NGINX_CONF_1_19, NGINX_CONF_1_2X, DEFAULT_CONF_1_19, DEFAULT_CONF_1_2X, NGINX_IMAGE_PATHS } from './defaults.js';
export type { NginxConfig, NginxDirective } from './types.js';
