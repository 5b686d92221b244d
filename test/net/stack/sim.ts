// The engine surface the walker tests use: the public API plus the stack's own entry points.
export * from '../../../sim/index.js';
export { tcpListen, tcpConnect, tcpSend, tcpClose, synTimeoutUs } from '../../../sim/net/stack/tcp.js';
export { ipv4 as ipv4Of } from '../../../sim/core/ip.js';
