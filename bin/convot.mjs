#!/usr/bin/env node
// `node bin/convot.mjs serve …` from the repository root (npm start, the e2e harness). The
// command itself belongs to the server workspace: server/bin/convot.mjs.
import '../server/bin/convot.mjs';
