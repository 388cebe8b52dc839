/** The little XML S3's REST protocol needs: escaped text, elements, documents and error bodies. */

/** The namespace of S3's response documents (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). */
export const s3Namespace = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' })[c] ?? c);
}

/** `<name>text</name>`, or nothing when `value` is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A response document: the XML declaration and `root` in S3's namespace around `children`. */
export function document(root: string, children: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${s3Namespace}">${children}</${root}>`;
}

/**
 * S3's error body: `<Error><Code/><Message/>…<RequestId/><HostId/></Error>`, with the error's
 * extra members (`Key`, `BucketName`, `Condition`, …) as elements
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
export function errorDocument(code: string, message: string, requestId: string, extra: Readonly<Record<string, string>>): string {
  const members = Object.entries(extra)
    .map(([k, v]) => el(k, v))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el('Code', code)}${el('Message', message)}${members}${el('RequestId', requestId)}${el('HostId', hostId(requestId))}</Error>`;
}

/** The `x-amz-id-2` companion of a request id (opaque on S3; derived here so it is stable per request). */
export function hostId(requestId: string): string {
  return Buffer.from(`sim-${requestId}`).toString('base64');
}

/** The text of the first `<name>` element of a request document, if any (CreateBucketConfiguration is all we read). */
export function firstElementText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m?.[1]?.trim();
}
