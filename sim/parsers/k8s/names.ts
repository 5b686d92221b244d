// Name and label syntax the API server enforces (k8s.io/apimachinery pkg/util/validation
// validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
// IsValidLabelValue, IsValidPortName, IsValidPortNum). Each check returns the problems, [] when valid.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dns1123Label(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(s)) out.push("a lowercase RFC 1123 label: only 'a'-'z', '0'-'9' and '-', starting and ending with a letter or digit");
  return out;
}

export function dns1123Subdomain(s: string): string[] {
  const out: string[] = [];
  if (s.length > 253) out.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(s)) out.push("a lowercase RFC 1123 subdomain: labels of 'a'-'z', '0'-'9' and '-' separated by '.', each starting and ending with a letter or digit");
  return out;
}

export function dns1035Label(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(s)) out.push("an RFC 1035 label: only 'a'-'z', '0'-'9' and '-', starting with a letter and ending with a letter or digit");
  return out;
}

/** Label and annotation keys, selector keys, topology keys: `[prefix/]name`. */
export function qualifiedName(s: string): string[] {
  const parts = s.split('/');
  let name = s;
  const out: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else for (const m of dns1123Subdomain(prefix)) out.push(`prefix part ${m}`);
  } else if (parts.length > 2) {
    return ["a qualified name: an optional DNS subdomain prefix and '/', then a name of alphanumerics, '-', '_' or '.' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) out.push("name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
  return out;
}

export function labelValue(s: string): string[] {
  const out: string[] = [];
  if (s.length > 63) out.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(s)) out.push("a valid label value: empty, or alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
  return out;
}

/** IANA_SVC_NAME (RFC 6335): at most 15 of 'a'-'z', '0'-'9', '-', at least one letter, no '--', no '-' at either end. */
export function portName(s: string): string[] {
  const out: string[] = [];
  if (s.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(s)) out.push("must contain only 'a'-'z', '0'-'9' and '-'");
  if (!/[a-z]/.test(s)) out.push("must contain at least one letter ('a'-'z')");
  if (s.includes('--')) out.push("must not contain consecutive hyphens ('--')");
  if (s.startsWith('-') || s.endsWith('-')) out.push("must not begin or end with a hyphen ('-')");
  return out;
}

export function portNumber(n: number): string[] {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}
