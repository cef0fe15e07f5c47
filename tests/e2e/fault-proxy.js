// An HTTP proxy on loopback between the app and the reference server that
// breaks clip uploads the way a phone network does: it cuts the connection
// of a tus PATCH once the PATCH bodies it forwarded reach given totals, and
// can go down altogether (every connection reset) until told to come back.
// It counts the PATCH body bytes it forwarded, to measure what was sent twice.
import http from 'node:http';

/**
 * Starts the proxy in front of `target` (http://127.0.0.1:port).
 * `cutAt`: totals of forwarded PATCH bytes at which that PATCH is cut (each once).
 * `downAt`: a total at which the PATCH is cut and the proxy goes down.
 */
export async function startFaultProxy(target, { cutAt = [], downAt = Infinity } = {}) {
  const upstream = new URL(target);
  const cuts = [...cutAt].sort((a, b) => a - b);
  const state = { patchBytes: 0, cuts: 0, down: false, downAt };
  const server = http.createServer((req, res) => {
    if (state.down) { req.socket.destroy(); return; }
    // One upstream connection per request, closed after it: a cut never hits another request.
    const headers = { ...req.headers, connection: 'close' };
    const up = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false,
    }, (ur) => { res.writeHead(ur.statusCode, ur.headers); ur.pipe(res); });
    up.on('error', () => res.destroy());
    if (req.method !== 'PATCH') { req.pipe(up); return; }
    let cut = false;
    req.on('data', (chunk) => {
      if (cut) return;
      const before = state.patchBytes;
      const limit = Math.min(cuts[0] ?? Infinity, state.downAt);
      if (before + chunk.length < limit) {
        state.patchBytes += chunk.length;
        up.write(chunk);
        return;
      }
      // This chunk crosses a cut: what comes before it goes, then the line drops.
      const keep = Math.max(0, limit - before);
      state.patchBytes += keep;
      cut = true;
      if (limit === state.downAt) { state.down = true; state.downAt = Infinity; } else { cuts.shift(); }
      state.cuts += 1;
      up.write(chunk.subarray(0, keep), () => {
        // Give the server a moment to store what arrived before the reset.
        setTimeout(() => { up.destroy(); req.socket.destroy(); }, 50);
      });
    });
    req.on('end', () => { if (!cut) up.end(); });
  });
  // Like the reference server, keep the app's idle connections open: Node's
  // 5 s default closes them just as the app's pool reuses one, a failure no
  // phone network is being tested for here.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** The network comes back. */
    up() { state.down = false; },
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
