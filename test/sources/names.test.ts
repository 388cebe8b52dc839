import { isIgnoredName, isManifestKey, isRelevantEventName } from '../../src/sources/names.js';
import { formatS3Location, isS3Location, parseS3Location } from '../../src/sources/s3-location.js';
import { revisionOf } from '../../src/sources/revision.js';

describe('names', () => {
  test('dotfiles, editor swap, backup, lock and temp files are ignored; manifests are not', () => {
    for (const n of ['.a.yaml', '.switchboard', '..data', 'a.yaml.swp', 'a.yaml.swo', 'a.yaml~', '#a.yaml#', '.#a.yaml', 'a.yaml.tmp']) {
      expect([n, isIgnoredName(n)]).toEqual([n, true]);
    }
    for (const n of ['a.yaml', 'b.yml', 'team', 'a#b.yaml']) expect([n, isIgnoredName(n)]).toEqual([n, false]);
  });

  test('Kubernetes ..data swaps are relevant events even though they are dotfiles', () => {
    expect(isRelevantEventName('..data')).toBe(true);
    expect(isRelevantEventName('..data_tmp')).toBe(true);
    expect(isRelevantEventName('..2026_11_25_10_00_00.1')).toBe(true);
    expect(isRelevantEventName(null)).toBe(true);
    expect(isRelevantEventName('.switchboard')).toBe(false);
    expect(isRelevantEventName('.a.yaml.swp')).toBe(false);
    expect(isRelevantEventName('a.yaml')).toBe(true);
  });

  test('S3 keys: YAML only, no dot-segment, no status folder', () => {
    expect(isManifestKey('a.yaml')).toBe(true);
    expect(isManifestKey('team/b.YML')).toBe(true);
    expect(isManifestKey('.switchboard/status.json')).toBe(false);
    expect(isManifestKey('.switchboard/x.yaml')).toBe(false);
    expect(isManifestKey('team/.hidden/x.yaml')).toBe(false);
    expect(isManifestKey('notes.txt')).toBe(false);
    expect(isManifestKey('team/')).toBe(false);
  });
});

describe('S3 locations', () => {
  test('parse into bucket and a prefix that ends with a slash', () => {
    expect(parseS3Location('s3://b/app/')).toEqual({ bucket: 'b', prefix: 'app/' });
    expect(parseS3Location('s3://b/app')).toEqual({ bucket: 'b', prefix: 'app/' });
    expect(parseS3Location('s3://b/a/b/')).toEqual({ bucket: 'b', prefix: 'a/b/' });
    expect(parseS3Location('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Location('s3://b/')).toEqual({ bucket: 'b', prefix: '' });
    expect(formatS3Location({ bucket: 'b', prefix: 'app/' })).toBe('s3://b/app/');
  });

  test('a location without a bucket is rejected', () => {
    expect(() => parseS3Location('s3://')).toThrow('s3://: expected s3://bucket/prefix/');
    expect(isS3Location('S3://b/')).toBe(true);
    expect(isS3Location('./s3/b')).toBe(false);
  });
});

describe('revisions', () => {
  test('do not depend on order, and differ when something was unreadable', () => {
    const a = revisionOf([['x', '1'], ['y', '2']], []);
    expect(revisionOf([['y', '2'], ['x', '1']], [])).toBe(a);
    expect(revisionOf([['x', '1'], ['y', '3']], [])).not.toBe(a);
    expect(revisionOf([['x', '1'], ['y', '2']], [{ path: 'z', reason: 'gone' }])).not.toBe(a);
  });
});
