/**
 * The config's `email` object: what is accepted, the defaults, and errors that name the field
 * (never showing an SMTP password).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import { DEFAULT_EMAIL_DELAY_SECONDS } from '../../server/email/config.js';
import { testConfigData } from './helpers.js';

const parse = (email: unknown, env: NodeJS.ProcessEnv = {}) => parseConfig({ ...testConfigData(), email }, env).email;

function refused(email: unknown, pattern: RegExp, env: NodeJS.ProcessEnv = {}): ConfigError {
  let caught: unknown;
  try {
    parse(email, env);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError for ${JSON.stringify(email)}`);
  assert.match(caught.message, pattern);
  return caught;
}

describe('email config', () => {
  test('absent means email is off', () => {
    assert.equal(parseConfig(testConfigData(), {}).email, null);
    assert.equal(parse(null), null);
  });

  test('a full entry, with the defaults filled in', () => {
    assert.deepEqual(parse({ smtp_url: 'smtp://user:pass@mail.example.com:587', from: 'support@example.com' }), {
      smtp_url: 'smtp://user:pass@mail.example.com:587',
      from: 'support@example.com',
      delay_seconds: DEFAULT_EMAIL_DELAY_SECONDS,
      public_url: null,
    });
    assert.equal(DEFAULT_EMAIL_DELAY_SECONDS, 120);
    const e = parse({ smtp_url: 'smtps://mail.example.com', from: 'Acme Support <support@example.com>', delay_seconds: 0, public_url: 'https://chat.example.com/' });
    assert.equal(e?.from, 'Acme Support <support@example.com>');
    assert.equal(e?.delay_seconds, 0);
    assert.equal(e?.public_url, 'https://chat.example.com', 'the trailing slash is dropped');
  });

  test('smtp_url from the environment', () => {
    assert.equal(parse({ smtp_url: 'env:SMTP', from: 'a@example.com' }, { SMTP: 'smtp://u:p@h.example.com:25' })?.smtp_url, 'smtp://u:p@h.example.com:25');
    refused({ smtp_url: 'env:SMTP', from: 'a@example.com' }, /^email\.smtp_url reads env:SMTP, but the environment variable SMTP is not set/);
    const e = refused({ smtp_url: 'env:SMTP', from: 'a@example.com' }, /email\.smtp_url \(from env:SMTP\) must start with smtp:\/\//, { SMTP: 'https://u:secret@h' });
    assert.doesNotMatch(e.message, /secret/, 'the password is never shown');
  });

  test('bad values name the field', () => {
    refused('smtp://h', /^email must be an object/);
    refused({ from: 'a@example.com' }, /^email\.smtp_url must be a string/);
    refused({ smtp_url: 'not a url', from: 'a@example.com' }, /^email\.smtp_url must be a URL/);
    const e = refused({ smtp_url: 'http://user:hunter2@h.example.com', from: 'a@example.com' }, /^email\.smtp_url must start with smtp:\/\/ or smtps:\/\//);
    assert.doesNotMatch(e.message, /hunter2/);
    refused({ smtp_url: 'smtp://h.example.com' }, /^email\.from must be an address/);
    refused({ smtp_url: 'smtp://h.example.com', from: 'nobody' }, /^email\.from must be an address/);
    refused({ smtp_url: 'smtp://h.example.com', from: 'A <a@example.com>\r\nBcc: x@example.com' }, /^email\.from must be on one line/);
    for (const d of [-1, 1.5, '60', 8 * 24 * 3600]) refused({ smtp_url: 'smtp://h.example.com', from: 'a@example.com', delay_seconds: d }, /^email\.delay_seconds must be a whole number/);
    for (const u of ['chat.example.com', 'ftp://x.example.com', 'https://x.example.com/?a=1', 42]) {
      refused({ smtp_url: 'smtp://h.example.com', from: 'a@example.com', public_url: u }, /^email\.public_url must be the server's public base URL/);
    }
  });
});
