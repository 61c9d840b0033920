// The Host header check of `coalmine serve`: a malformed Host is a 400, and the header never builds a link.

/** Whether a Host header is a host name or address with an optional port, and nothing else. */
export function isValidHostHeader(host: string): boolean {
  if (host.length === 0 || host.length > 300) return false;
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return false;
  }
  return (
    url.pathname === "/" &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password &&
    !/[\s/?#@\\]/.test(host)
  );
}
