// Layer-4 protocols a Kubernetes port may name (core/v1 Protocol). Defaulted to TCP wherever a
// port's protocol is left unset (core/v1 defaults.go, networking/v1 defaults.go).
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/** A port given as a number or as a container port name (IntOrString). */
export type IntOrString = number | string;
