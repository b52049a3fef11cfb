'use strict';
/*
 * Stand-in for a Titan Node.js service, run under PM2 by the engine's tests and benchmarks.
 * No npm dependencies: it must start in a bare checkout with only Node 20.
 *
 * GET /health  -> 200 {"status":"ok","service":NAME,"version":VERSION} (503 when UNHEALTHY=1)
 * GET /version -> 200 {"version":VERSION}
 *
 * Environment:
 *   PORT (required)   port to listen on; HOST overrides the 127.0.0.1 bind address
 *   SERVICE_NAME      reported name; defaults to PM2's `name` env, else "stand-in"
 *   SERVICE_VERSION   reported version; default "1"
 *   START_DELAY_MS    wait this long before listening (slow start)
 *   CRASH_ON_START=1  exit 1 at once (crash loop)
 *   HANG=1            never listen but stay alive (never becomes healthy)
 *   UNHEALTHY=1       listen, but /health answers 503
 *   CRASH_AFTER_MS=n  exit 1 n ms after listening
 *   PRINT_VAR=NAME    at start, print the value of variable NAME once on stdout and once on stderr
 *                     (tests check a secret a service prints reaches no report)
 *   PRINT_HEX=hex     at start, write these bytes to stdout as they are (binary, invalid UTF-8)
 *   PRINT_LINES=n     at start, print n numbered lines on stdout
 *   NO_READY=1        never call process.send('ready') (a service that forgets it under readyMessage)
 *   READY_FILE=path   append the epoch time in ms (with fraction) at which listening began
 *   EXIT_FILE=path    append the epoch time in ms (with fraction) at which the process exits, from
 *                     Node's 'exit' event: process.exit (CRASH_ON_START, CRASH_AFTER_MS, a signal
 *                     handled here) or an uncaught error; not SIGKILL. Benchmarks hold it against
 *                     when the engine reported the crash.
 *
 * GET /slow?ms=N -> 200 {"slept":N} after N ms (a request still in flight when a shutdown begins)
 * Every answer carries X-Titan-Pid: the pid of the process (the cluster worker) that answered.
 *
 * SIGINT/SIGTERM shut down gracefully, as a Titan service must for a reload without a failed
 * request (docs/zero-downtime.md): stop accepting connections,
 * answer the requests in flight and the next request on each open connection with Connection: close
 * (a keep-alive client reconnects, to a worker that still accepts), then exit 0 once the last
 * connection is gone. Idle keep-alive connections end after 1 s (below PM2's 1600 ms kill_timeout);
 * whatever is still open 200 ms before the kill_timeout is closed then.
 */
const http = require('http');
const net = require('net');
const fs = require('fs');

const env = process.env;
const name = env.SERVICE_NAME || env.name || 'stand-in';
const version = env.SERVICE_VERSION || '1';
const port = Number.parseInt(env.PORT, 10);
const host = env.HOST || '127.0.0.1';

if (env.EXIT_FILE) {
  // Registered before anything can exit, CRASH_ON_START included.
  process.on('exit', () => {
    const at = performance.timeOrigin + performance.now();
    try {
      fs.appendFileSync(env.EXIT_FILE, `${at.toFixed(3)}\n`);
    } catch (err) {
      // Exiting anyway: a missing exit time shows up as a missing sample.
    }
  });
}

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`stand-in ${name}: PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
  process.exit(2);
}
if (env.PRINT_VAR) {
  console.log(`stand-in ${name}: ${env.PRINT_VAR}=${env[env.PRINT_VAR]}`);
  console.error(`stand-in ${name}: cannot connect with ${env[env.PRINT_VAR]}`);
}
if (env.PRINT_HEX) {
  process.stdout.write(Buffer.from(env.PRINT_HEX, 'hex'));
}
const printLines = Number.parseInt(env.PRINT_LINES || '0', 10);
for (let i = 1; i <= printLines; i++) {
  console.log(`stand-in ${name}: line ${i} of ${printLines}`);
}
if (env.CRASH_ON_START === '1') {
  console.error(`stand-in ${name}: CRASH_ON_START=1, exiting`);
  process.exit(1);
}

let server = null;
// Keeps the event loop alive while waiting (HANG, START_DELAY_MS) without a listening socket.
let keepAlive = null;
let closing = false;
const KEEP_ALIVE_MS = 1000;

function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.log(`stand-in ${name}: ${signal}, shutting down`);
  if (keepAlive) clearInterval(keepAlive);
  if (!server) process.exit(0);
  // Stop accepting (a cluster worker leaves the master's round robin) and exit once the last
  // connection is gone. Not http's own close(): it also drops idle keep-alive connections at once,
  // racing a client that is sending its next request on one just then. Each connection instead gets
  // Connection: close on its next answer, or ends after keepAliveTimeout without one.
  net.Server.prototype.close.call(server, () => process.exit(0));
  // PM2 puts kill_timeout in the app's environment; SIGKILL comes then, so end cleanly a bit before.
  const killTimeout = Number.parseInt(env.kill_timeout || '1600', 10);
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, Math.max(killTimeout - 200, 100)).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

function send(res, status, body) {
  const text = JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text),
    'X-Titan-Pid': String(process.pid) };
  // Shutting down: a keep-alive client must not send its next request on this connection.
  if (closing) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

function listen() {
  server = http.createServer((req, res) => {
    const path = (req.url || '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      if (env.UNHEALTHY === '1') {
        send(res, 503, { status: 'unhealthy', service: name, version });
      } else {
        send(res, 200, { status: 'ok', service: name, version });
      }
    } else if (req.method === 'GET' && path === '/version') {
      send(res, 200, { version });
    } else if (req.method === 'GET' && path === '/slow') {
      const ms = Number.parseInt(new URL(req.url, 'http://x').searchParams.get('ms') || '0', 10);
      setTimeout(() => send(res, 200, { slept: ms }), Math.max(ms, 0));
    } else {
      send(res, 404, { error: 'not found', path });
    }
  });
  // Idle keep-alive connections end well before PM2's kill_timeout, so a shutdown can wait for them.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.listen(port, host, () => {
    if (keepAlive) {
      clearInterval(keepAlive);
      keepAlive = null;
    }
    if (env.READY_FILE) {
      // performance.timeOrigin + now() gives sub-millisecond epoch time for benchmarks.
      const at = performance.timeOrigin + performance.now();
      fs.appendFileSync(env.READY_FILE, `${at.toFixed(3)}\n`);
    }
    console.log(`stand-in ${name} ${version} listening on ${host}:${server.address().port}`);
    if (typeof process.send === 'function' && env.NO_READY !== '1') process.send('ready');
    const crashAfter = Number.parseInt(env.CRASH_AFTER_MS || '', 10);
    if (Number.isInteger(crashAfter) && crashAfter >= 0) {
      setTimeout(() => {
        console.error(`stand-in ${name}: CRASH_AFTER_MS=${crashAfter}, exiting`);
        process.exit(1);
      }, crashAfter);
    }
  });
  server.on('error', (err) => {
    console.error(`stand-in ${name}: cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
}

if (env.HANG === '1') {
  keepAlive = setInterval(() => {}, 60 * 60 * 1000);
  console.log(`stand-in ${name}: HANG=1, never listening`);
} else {
  const delay = Number.parseInt(env.START_DELAY_MS || '0', 10);
  if (delay > 0) {
    keepAlive = setInterval(() => {}, 60 * 60 * 1000);
    setTimeout(listen, delay);
  } else {
    listen();
  }
}
