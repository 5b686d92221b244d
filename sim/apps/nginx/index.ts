// nginx decision logic (no sockets): resolved configuration and request -> response and log lines.
export { resolveNginx, COMBINED_FORMAT, NGINX_LEVELS } from './model.js';
export type { NginxModel, ServerBlock, LocationModel, Listen, RealIp, LocSettings, NginxLevel } from './model.js';
export { handleRequest, officialImageEnv } from './handle-request.js';
export type { NginxEnv, NginxRequest, NginxResponse } from './handle-request.js';
export { officialImageModel } from './official-image.js';
export { selectServer, selectLocation } from './location.js';
export { realClientAddr } from './realip.js';
export { timeLocal, errorLogTime, escapeLogValue, expandLogFormat, errorLogLine } from './log.js';
export { specialResponseSize, indexHtmlSize, x50HtmlSize, REASONS, responseHead, keepAliveFor, type ResponseHeadFields } from './responses.js';
