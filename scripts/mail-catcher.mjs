#!/usr/bin/env node
// A local SMTP receiver for trying Convot's emails (development only; uses the dev dependencies
// smtp-server and mailparser). Prints every message it receives; accepts any login.
//
//   node scripts/mail-catcher.mjs [port]        # default 2525
//   config: "email": { "smtp_url": "smtp://127.0.0.1:2525", "from": "Support <support@example.com>", "delay_seconds": 10 }
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2] ?? 2525);
const server = new SMTPServer({
  logger: false,
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
  onData(stream, session, cb) {
    simpleParser(stream)
      .then((mail) => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
        process.stdout.write(`\n--- ${new Date().toISOString()}  to ${to}\nFrom: ${mail.from?.text}\nSubject: ${mail.subject}\n\n${mail.text ?? ''}\n`);
        cb();
      })
      .catch(cb);
  },
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`mail catcher on smtp://127.0.0.1:${port} (Ctrl+C to stop)\n`));
