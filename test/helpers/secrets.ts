/**
 * One table of secrets, planted where manifests hold them (environment variables, Docker labels,
 * log driver options), for the tests that check every output: daemon logs, /status, the status
 * file, metrics, plan text and JSON, apply text and JSON. Each has two versions, so a change shows
 * both the old and the new value wherever changes are shown.
 */

export interface PlantedSecret {
  /** What it is, for failure messages. */
  what: string;
  at: 'environment' | 'dockerLabels' | 'logOptions';
  name: string;
  value(version: 1 | 2): string;
  /** The part of the value that must never be shown. */
  secret(version: 1 | 2): string;
}

const whole = (what: string, at: PlantedSecret['at'], name: string, value: (v: 1 | 2) => string): PlantedSecret => ({ what, at, name, value, secret: value });

export const SECRETS: readonly PlantedSecret[] = [
  whole('a password under DB_PASS', 'environment', 'DB_PASS', (v) => `pw-v${v}-Zq8xK2r`),
  {
    what: 'the password in a URL under DATABASE_URL',
    at: 'environment',
    name: 'DATABASE_URL',
    value: (v) => `postgres://app:pg-v${v}-Rt5wQ9@db.internal:5432/app`,
    secret: (v) => `pg-v${v}-Rt5wQ9`,
  },
  whole('a GitHub token under GITHUB_PAT', 'environment', 'GITHUB_PAT', (v) => `ghp_${v}AbCdEfGhIjKlMnOpQrStUvWxYz012345678`),
  whole('a credential under AUTH', 'environment', 'AUTH', (v) => `auth-v${v}-Lm3vB7`),
  whole('an AWS access key id under a neutral name', 'environment', 'CONFIG_VALUE', (v) => `AKIAV${v}EXAMPLEKEY0123`),
  whole('a JWT under a neutral name', 'environment', 'UPSTREAM_HEADER', (v) => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2${v}In0.c2lnbmF0dXJl${v}`),
  whole('a Docker label named api-key', 'dockerLabels', 'com.example.api-key', (v) => `lbl-v${v}-Np4cX1`),
  whole("FireLens' apikey option", 'logOptions', 'apikey', (v) => `dd-v${v}-Hy6tR3s`),
  {
    what: 'an Authorization option',
    at: 'logOptions',
    name: 'Authorization',
    value: (v) => `Bearer tok-v${v}-Kj8sD2Wq`,
    secret: (v) => `tok-v${v}-Kj8sD2Wq`,
  },
];

const q = (s: string): string => JSON.stringify(s);

/** A TaskDefinition manifest (`vault-app`) holding every secret of the table at `version`. */
export function secretsManifest(version: 1 | 2): string {
  const env = SECRETS.filter((s) => s.at === 'environment').map((s) => `        - name: ${s.name}\n          value: ${q(s.value(version))}\n`);
  const labels = SECRETS.filter((s) => s.at === 'dockerLabels').map((s) => `        ${q(s.name)}: ${q(s.value(version))}\n`);
  const options = SECRETS.filter((s) => s.at === 'logOptions').map((s) => `          ${q(s.name)}: ${q(s.value(version))}\n`);
  return (
    'apiVersion: switchboard.dev/v1alpha1\nkind: TaskDefinition\nmetadata:\n  name: vault-app\nspec:\n' +
    '  requiresCompatibilities: [FARGATE]\n  networkMode: awsvpc\n  cpu: "256"\n  memory: "512"\n' +
    '  executionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole\n' +
    '  containerDefinitions:\n' +
    '    - name: app\n      image: public.ecr.aws/nginx/nginx:1.27\n      essential: true\n' +
    `      environment:\n${env.join('')}` +
    `      dockerLabels:\n${labels.join('')}` +
    `      logConfiguration:\n        logDriver: awsfirelens\n        options:\n          Name: datadog\n${options.join('')}` +
    '    - name: log-router\n      image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\n      essential: true\n' +
    '      firelensConfiguration:\n        type: fluentbit\n'
  );
}

/** The secrets of the table (either version) that `text` shows, described. */
export function leaks(text: string): string[] {
  return SECRETS.flatMap((s) => ([1, 2] as const).filter((v) => text.includes(s.secret(v))).map((v) => `${s.what} (version ${v})`));
}
