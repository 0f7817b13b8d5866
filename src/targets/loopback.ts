/** Loopback hosts: where a target runs on this machine (a local server, the emulator). */

/** A URL's hostname without the brackets of an IPv6 address (`[::1]` -> `::1`), as sockets take it. */
export function bareHostname(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** True for `localhost`, 127.0.0.0/8 and ::1, in a URL's hostname form (IPv6 in brackets or not). */
export function isLoopbackHost(hostname: string): boolean {
  const host = bareHostname(hostname);
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(host);
}
