/**
 * Reading AWS ARNs and the short references that stand for them, in one place instead of string
 * slicing wherever an ARN is met. ARN format:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 * (`arn:partition:service:region:account-id:resource-type/resource-id`).
 */

/** Whether a value is an ARN rather than a name. */
export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

/** The last `/` segment of an ARN (a cluster's, service's or namespace's name or id), or the value itself when it is not an ARN. */
export function lastSegment(arnOrName: string): string {
  const slash = arnOrName.lastIndexOf('/');
  return isArn(arnOrName) && slash >= 0 ? arnOrName.slice(slash + 1) : arnOrName;
}

/** The account id an ARN names, or undefined when it is not an ARN or names none. */
export function accountOf(arn: string): string | undefined {
  if (!isArn(arn)) return undefined;
  const account = arn.split(':')[4];
  return account === undefined || account === '' ? undefined : account;
}

/** `family:revision` of a task definition ARN (or the input itself when it is not an ARN). */
export function familyRevision(arnOrRef: string): string {
  return lastSegment(arnOrRef);
}

/** The family of a task definition ARN or `family[:revision]` reference. */
export function familyOf(arnOrRef: string): string {
  const fr = familyRevision(arnOrRef);
  const colon = fr.lastIndexOf(':');
  return colon >= 0 && /^\d+$/.test(fr.slice(colon + 1)) ? fr.slice(0, colon) : fr;
}

/** The revision number of a task definition ARN or `family:revision` reference (NaN when it names none). */
export function revisionNumber(arnOrRef: string): number {
  const fr = familyRevision(arnOrRef);
  return Number(fr.slice(fr.lastIndexOf(':') + 1));
}

/** The ARN of another revision in the same Region and account as `arn` (`family:revision` in place of its last segment). */
export function siblingRevisionArn(arn: string, familyAndRevision: string): string {
  const slash = arn.lastIndexOf('/');
  return isArn(arn) && slash >= 0 ? `${arn.slice(0, slash + 1)}${familyAndRevision}` : familyAndRevision;
}
