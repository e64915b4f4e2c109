/**
 * Demo mode (`convot serve --demo`, what `npm start` runs): the server also serves the demo pages
 * under /demo/. The demo's config (config/demo.json) is public, so outside demo mode a server
 * refuses to start with its identity secret or agent password: they would let anyone sign in
 * as an agent or mint verified identities.
 */
import type { ConvotConfig } from './config.js';

/** `apps[].identity_secret` in config/demo.json. */
export const DEMO_IDENTITY_SECRET = 'demo-identity-secret-for-localhost-only';
/** `agents[].password` in config/demo.json. */
export const DEMO_AGENT_PASSWORD = 'convot-demo';

/** Why this config must not run outside demo mode, or null when it may. */
export function demoSecretInUse(config: ConvotConfig): string | null {
  const app = config.apps.find((a) => a.identity_secret === DEMO_IDENTITY_SECRET);
  if (app) return `apps "${app.id}" uses the demo's public identity_secret; set your own (at least 32 characters, better from env:NAME), or run with --demo`;
  const agent = config.agents.find((a) => a.password === DEMO_AGENT_PASSWORD);
  if (agent) return `agent ${agent.email} uses the demo's public password; set your own (better from env:NAME), or run with --demo`;
  return null;
}
