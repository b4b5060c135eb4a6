import * as path from 'node:path';
import { ConfigError, loadConfig } from '../../infra/config/config';

describe('typed configuration', () => {
  it('runs everything embedded when no external addresses are given', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.database.url).toBeUndefined();
    expect(config.temporal.address).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.temporal.namespace).toBe('default');
    expect(config.dataDir).toBe(path.resolve('/srv/app', '.data'));
    expect(config.auth.embeddedKeys).toBe(true);
    expect(config.auth.privateKeyFile).toBe('/srv/app/.data/auth/jwt-private.pem');
    expect(config.http.trustProxy).toBe(false);
    expect(config.temporal.embeddedRetentionDays).toBe(30);
    expect(config.throttle.lookup).toEqual({ perClientPerMinute: 10, perSubjectPerHour: 20 });
    expect(config.temporal.compression).toBe('none');
    expect(config.temporal.cachedWorkflows).toBeUndefined();
  });

  it("compresses the worker's gRPC only to a Temporal server on another machine", () => {
    const at = (TEMPORAL_ADDRESS: string, more: Record<string, string> = {}) =>
      loadConfig({ TEMPORAL_ADDRESS, ...more }).temporal.compression;
    expect(at('temporal.internal:7233')).toBe('gzip');
    expect(at('10.0.0.5:7233')).toBe('gzip');
    expect(at('127.0.0.1:7233')).toBe('none');
    expect(at('localhost:7233')).toBe('none');
    expect(at('[::1]:7233')).toBe('none');
    expect(at('127.0.0.1:7233', { TEMPORAL_GRPC_COMPRESSION: 'gzip' })).toBe('gzip');
    expect(at('temporal.internal:7233', { TEMPORAL_GRPC_COMPRESSION: 'none' })).toBe('none');
    expect(loadConfig({ WORKER_CACHED_WORKFLOWS: '20000' }).temporal.cachedWorkflows).toBe(20000);
  });

  it('switches to external PostgreSQL and Temporal when their addresses are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://credit:pw@db.internal:5432/credit',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'credit-prod',
      PORT: '8080',
    });
    expect(config.database.url).toBe('postgres://credit:pw@db.internal:5432/credit');
    expect(config.temporal.address).toBe('temporal.internal:7233');
    expect(config.temporal.namespace).toBe('credit-prod');
    expect(config.http.port).toBe(8080);
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT must be between 1 and 65535/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must start with postgres/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['TEMPORAL_ADDRESS', 'http://temporal', /TEMPORAL_ADDRESS must be host:port/],
    ['TEMPORAL_NAMESPACE', 'bad namespace!', /TEMPORAL_NAMESPACE/],
    ['START_WORKER', 'maybe', /START_WORKER.*true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['THROTTLE_LOOKUP_PER_MINUTE', '0', /THROTTLE_LOOKUP_PER_MINUTE must be at least 1/],
    ['THROTTLE_PUBLIC_PER_SUBJECT_PER_HOUR', 'many', /THROTTLE_PUBLIC_PER_SUBJECT_PER_HOUR/],
    ['TRUST_PROXY', 'every proxy!', /TRUST_PROXY must be a hop count/],
    ['EMBEDDED_TEMPORAL_RETENTION_DAYS', '0', /EMBEDDED_TEMPORAL_RETENTION_DAYS must be between 1 and 3650/],
    ['EMBEDDED_TEMPORAL_RETENTION_DAYS', '1.5', /EMBEDDED_TEMPORAL_RETENTION_DAYS must be a whole number/],
    ['WORKER_CACHED_WORKFLOWS', '-1', /WORKER_CACHED_WORKFLOWS must be between 0 and 1000000/],
    ['WORKER_CACHED_WORKFLOWS', 'lots', /WORKER_CACHED_WORKFLOWS must be a number/],
    ['TEMPORAL_GRPC_COMPRESSION', 'brotli', /TEMPORAL_GRPC_COMPRESSION must be gzip or none/],
  ])('fails fast naming %s when it is %j', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', TEMPORAL_ADDRESS: 'nope' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toHaveLength(2);
    }
  });
});
