/** The rules every output shares: what is masked, how long values are cut, how control characters are escaped. */
import { looksSecret, MASK, maskJson, maskText } from '../../src/util/secrets.js';
import { escapeControls } from '../../src/util/terminal.js';
import { truncateText } from '../../src/util/truncate.js';

describe('masking', () => {
  test.each(['DB_PASSWORD', 'DB_PASS', 'PASSWD', 'MYSQL_PWD', 'API_KEY', 'apikey', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'GITHUB_PAT', 'PAT', 'AUTH', 'Authorization', 'AWS_CREDENTIALS', 'PRIVATE_KEY', 'SESSION_COOKIE', 'SENTRY_DSN', 'com.example.api-key'])('%s looks secret', (name) => {
    expect(looksSecret(name)).toBe(true);
  });

  test.each(['PATH', 'PATTERN', 'LOG_LEVEL', 'PORT', 'name', 'key', 'image', 'awslogs-group'])('%s does not', (name) => {
    expect(looksSecret(name)).toBe(false);
  });

  test.each([
    ['AKIAIOSFODNN7EXAMPLE', MASK],
    ['id=ASIAY34FZKBOKMUTVV7A;', `id=${MASK};`],
    ['ghp_0123456789abcdefghijABCDEFGHIJ012345', MASK],
    ['glpat-abcdefghij0123456789', MASK],
    ['xoxb-1234567890-abcdefghij', MASK],
    ['sk_live_abcdefghij0123456789', MASK],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', MASK],
    ['Bearer abc.def-ghi_123', MASK],
    ['postgres://app:s3cret@db:5432/app', `postgres://app:${MASK}@db:5432/app`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', MASK],
  ])('%j is masked as %j', (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  test.each(['nginx:1.27', 'public.ecr.aws/nginx/nginx:1.27', 'https://example.com/path', 'Basic authentication failed', 'task-definition-abcdefghijklmnopqrstuvwxyz', 'arn:aws:ecs:us-east-1:123456789012:service/default/web'])('%j is left alone', (text) => {
    expect(maskText(text)).toBe(text);
  });

  test('pairs by name, strings under secret-looking keys, credential-looking text anywhere; numbers under a key are counts', () => {
    expect(
      maskJson({
        environment: [
          { name: 'DB_PASS', value: 'x' },
          { name: 'MODE', value: 'prod' },
          { name: 'URL', value: 'https://u:p@h/' },
        ],
        tags: [{ key: 'api-token', value: 'y' }],
        dockerLabels: { 'com.example.api-key': 'z', team: 'web' },
        options: { apikey: 'w', Name: 'datadog' },
        pass: 3,
        secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }],
      }),
    ).toEqual({
      environment: [
        { name: 'DB_PASS', value: MASK },
        { name: 'MODE', value: 'prod' },
        { name: 'URL', value: `https://u:${MASK}@h/` },
      ],
      tags: [{ key: 'api-token', value: MASK }],
      dockerLabels: { 'com.example.api-key': MASK, team: 'web' },
      options: { apikey: MASK, Name: 'datadog' },
      pass: 3,
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }],
    });
  });
});

describe('truncation', () => {
  test('short text is kept; long text keeps its start and ends with its length and hash, within the bound', () => {
    expect(truncateText('short')).toBe('short');
    const long = 'x'.repeat(5000);
    const cut = truncateText(long);
    expect(cut.length).toBeLessThanOrEqual(1024);
    expect(cut).toMatch(/^x+… \(5000 characters, sha256 [0-9a-f]{12}\)$/);
    expect(truncateText(`${long}y`)).not.toBe(cut);
  });

  test('a surrogate pair is never split', () => {
    const cut = truncateText('😀'.repeat(2000), 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('escaping for the terminal', () => {
  test('control characters become visible escapes; tab and ordinary text stay', () => {
    expect(escapeControls('a\tb')).toBe('a\tb');
    expect(escapeControls('line\nforged\r')).toBe('line\\nforged\\r');
    expect(escapeControls('\u001b]0;title\u0007\u001b[2J')).toBe('\\x1b]0;title\\x07\\x1b[2J');
    expect(escapeControls('\u009b2J \u007f')).toBe('\\x9b2J \\x7f');
    expect(escapeControls('abc\u202edcba\u2066x')).toBe('abc\\u202edcba\\u2066x');
    expect(escapeControls('héllo wörld — ✓')).toBe('héllo wörld — ✓');
  });
});
