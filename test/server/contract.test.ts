/**
 * The server registers every route of the shared contract (src/protocol/routes.ts) with its
 * method and path, and both sockets at their defined paths, so the widget and the inbox never
 * call a route the server does not have.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AGENT_SOCKET_PATH, VISITOR_SOCKET_PATH, agentApi, visitorApi, visitorThreadsApi } from '../../src/protocol/index.js';
import { startServer, stopServer, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer();
});
after(() => stopServer(s));

test('every route of visitorApi, visitorThreadsApi and agentApi is registered with its method and path', () => {
  for (const [name, route] of [...Object.entries(visitorApi), ...Object.entries(visitorThreadsApi), ...Object.entries(agentApi)]) {
    assert.ok(s.app.hasRoute({ method: route.method, url: route.path }), `${name}: ${route.method} ${route.path} is registered`);
  }
});

test('both sockets are registered at their defined paths', () => {
  for (const path of [VISITOR_SOCKET_PATH, AGENT_SOCKET_PATH]) assert.ok(s.app.hasRoute({ method: 'GET', url: path }), `GET ${path}`);
});
