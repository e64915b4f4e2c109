/**
 * A real SMTP receiver for tests (the `smtp-server` package) on a free loopback port: it collects
 * every message (parsed with `mailparser`), can demand a login, and can refuse deliveries (a
 * temporary 451 at RCPT TO) while `refuse` says so. Never a mocked transport.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  mail: ParsedMail;
  /** The envelope's recipients. */
  to: string[];
  at: number;
}

export class SmtpReceiver {
  readonly received: Received[] = [];
  /** Times of every RCPT TO, refused or not (one per delivery attempt with one recipient). */
  readonly attempts: number[] = [];
  /** Deliveries are refused with 451 while this returns true. */
  refuse: () => boolean = () => false;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private readonly login: { user: string; pass: string } | null,
  ) {}

  /** `smtp://user:pass@127.0.0.1:PORT` (or without the login). */
  get url(): string {
    return this.login ? `smtp://${this.login.user}:${this.login.pass}@127.0.0.1:${this.port}` : `smtp://127.0.0.1:${this.port}`;
  }

  static async start(opts: { port?: number; login?: { user: string; pass: string } } = {}): Promise<SmtpReceiver> {
    let self: SmtpReceiver | null = null;
    const login = opts.login ?? null;
    const server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS', ...(login ? [] : ['AUTH'])],
      authOptional: !login,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        if (login && auth.username === login.user && auth.password === login.pass) cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onRcptTo(_address, _session, cb) {
        self!.attempts.push(Date.now());
        if (self!.refuse()) {
          const err = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
          cb(err);
          return;
        }
        cb();
      },
      onData(stream, session, cb) {
        simpleParser(stream)
          .then((mail) => {
            self!.received.push({ mail, to: session.envelope.rcptTo.map((r) => r.address), at: Date.now() });
            for (const w of self!.waiters.splice(0)) w();
            cb();
          })
          .catch((e: Error) => cb(e));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.server.address() as AddressInfo).port;
    self = new SmtpReceiver(server, port, login);
    return self;
  }

  /** Messages to `address`. */
  to(address: string): Received[] {
    return this.received.filter((r) => r.to.includes(address));
  }

  /** Waits (generously) until `pred` holds over what was received. */
  async until(pred: (received: Received[]) => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${this.received.length} message(s)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
